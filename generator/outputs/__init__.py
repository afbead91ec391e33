"""Outputs written beside the pages: downloads, assets, the PDF of each edition, share images and citations."""
