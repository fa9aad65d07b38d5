"""Signing keys on PKCS#11 tokens and the signatures made with them."""
