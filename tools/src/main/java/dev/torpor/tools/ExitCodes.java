package dev.torpor.tools;

/** Process exit codes of {@code torpor}. Values from 64 on are those of sysexits.h. */
public final class ExitCodes {
    /** Success; for {@code inspect}: a valid kernel image. */
    public static final int OK = 0;
    /** {@code inspect}: no hibernation image in the source. */
    public static final int NO_IMAGE = 1;
    /** {@code inspect}, {@code extract}: the image is damaged. */
    public static final int CORRUPT = 2;
    /** {@code inspect}, {@code extract}: an image of another tool. */
    public static final int FOREIGN = 3;
    /** {@code inspect}: Torpor's encrypted kind, checked without its key (give {@code --key} to authenticate it). */
    public static final int ENCRYPTED = 4;
    /** EX_USAGE: the command line is wrong. */
    public static final int USAGE = 64;
    /** EX_DATAERR: the input cannot be used (swap-offset: a file the kernel cannot hibernate to; write-image: the area already holds an image). */
    public static final int DATA_ERROR = 65;
    /** EX_UNAVAILABLE: the machine cannot hibernate now ({@code check}), or the demo lacks what it needs. */
    public static final int UNAVAILABLE = 69;
    /** EX_SOFTWARE: an internal error (a bug in Torpor). */
    public static final int SOFTWARE = 70;
    /** EX_CANTCREAT: the output file exists (and --force was not given) or cannot be created. */
    public static final int CANT_CREATE = 73;
    /** EX_CONFIG: the config file cannot be used (its name and line are printed); nothing was done. */
    public static final int CONFIG = 78;
    /** EX_TEMPFAIL: {@code resume} could not restore a sound image (the kernel short of memory, say); it was kept. */
    public static final int TEMP_FAIL = 75;
    /** EX_IOERR: reading or writing failed. */
    public static final int IO_ERROR = 74;
    /** The secret key's passphrase was not given right (or could not be asked for): the image is untouched. */
    public static final int KEPT = 77;

    private ExitCodes() {
    }
}
