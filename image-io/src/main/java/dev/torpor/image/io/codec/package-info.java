/**
 * The codecs of the kernel's image format, each a small interface over byte arrays: {@link
 * dev.torpor.image.io.codec.Compressor} (none, LZO1X-1, LZ4, with its {@code UnitEncoder} and {@code UnitDecoder}),
 * Torpor's own {@link dev.torpor.image.io.codec.Lzo1x1Compressor}, the kernel's {@link
 * dev.torpor.image.io.codec.Crc32Le}, and {@link dev.torpor.image.io.codec.UnitCodecs}, where a faster coder of the
 * same bytes (the JNI library's) can be installed under every reader and writer.
 */
package dev.torpor.image.io.codec;
