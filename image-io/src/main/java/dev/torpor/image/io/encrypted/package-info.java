/**
 * Torpor's encrypted image kind: its header ({@link dev.torpor.image.io.encrypted.TorporHeader}: the units, the
 * compressor, the key derivation, authenticated with every unit) and its key ({@link
 * dev.torpor.image.io.encrypted.KeyMaterial}: 32 raw bytes or a passphrase through PBKDF2). {@code ImageWriter}
 * writes the kind when its options carry a key; {@code HibernationImage.encrypted()} reads it, authenticating every
 * unit with AES-256-GCM before a page is handed out.
 */
package dev.torpor.image.io.encrypted;
