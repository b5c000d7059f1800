// PurgeCSS configuration of the Bootstrap subset (static/vendor/bootstrap/bootstrap.subset*.css).
// Run scripts/build-bootstrap-subset.sh from the repository root; see static/vendor/README.md.
module.exports = {
  // Every place a class name can come from: templates (ours and allauth's), Python (form widget
  // attrs), our JavaScript.
  content: [
    "templates/**/*.html",
    "*/templates/**/*.html",
    "{accueil,accompagnement,orientations,pilotage,rgpd,mds,notifications,demo}/**/*.py",
    "static/js/*.js",
    ".venv/lib/python3*/site-packages/allauth/templates/**/*.html",
  ],
  // Drop the custom properties and keyframes no kept rule uses (our own CSS uses no --bs-*).
  variables: true,
  keyframes: true,
  safelist: {
    // Classes that templates build from pieces (alert-{{ message.tags }}, col-md-{% if %}…)
    // or that only appear at run time.
    standard: ["show", "collapsing", "active", "disabled", "is-invalid", "is-valid", "col-md-12", "col-md-3"],
    greedy: [/^alert-/],
  },
};
