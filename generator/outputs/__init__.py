"""Outputs: what the build writes beside the pages (downloads, assets, share images, citations)."""
