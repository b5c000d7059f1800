"""Operations of the background jobs: retention purges (registry and runner), their runs."""
