"""Orientations: referrals to roles, professionals and partners, and the partner directory."""
