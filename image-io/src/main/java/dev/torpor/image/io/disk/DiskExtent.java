package dev.torpor.image.io.disk;

/** A run of bytes of a volume on the disk: {@code length} bytes at {@code diskOffset}. */
public record DiskExtent(long diskOffset, long length) {
    public DiskExtent {
        if (diskOffset < 0 || length < 0) {
            throw new IllegalArgumentException("negative extent " + diskOffset + "+" + length);
        }
    }
}
