/**
 * The format of Torpor's encrypted image kind, shared by its reader and its writer: the header page's fields
 * ({@link dev.torpor.image.io.encrypted.TorporHeader}) and the key derived from a passphrase
 * ({@link dev.torpor.image.io.encrypted.KeyMaterial}). Units are sealed with AES-256-GCM as they are written.
 */
package dev.torpor.image.io.encrypted;
