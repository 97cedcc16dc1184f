/** Cryptography for Tern: Argon2id, AEAD, streaming AEAD, X25519 sealed boxes, key bundles, crypto roots. No I/O. */
package dev.tern.crypto;
