package dev.torpor.examples;

import dev.torpor.hibernation.HibernationListener;
import dev.torpor.hibernation.HibernationOptions;
import dev.torpor.hibernation.HibernationRefused;
import dev.torpor.hibernation.SafeHibernation;
import dev.torpor.hibernation.Step;
import dev.torpor.image.io.codec.Compressor;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Hibernates this machine into the swap area on the given device, in the kernel's own format, and carries on when the
 * machine is resumed (by the kernel's resume or by {@code torpor resume}). Run it as root with the JVM options of
 * {@code /usr/share/torpor/jvm.options} ({@code hibernate=}): {@code java <options> -cp examples.jar
 * dev.torpor.examples.HibernateThisMachine /dev/sda3}.
 */
public final class HibernateThisMachine {
    private HibernateThisMachine() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: HibernateThisMachine SWAP-DEVICE");
            System.exit(64);
        }
        HibernationOptions options = HibernationOptions.builder(Path.of(args[0]))
                .compressor(Compressor.LZO)   // the kernel's default; everything else as the kernel does it too
                .build();
        try {
            SafeHibernation.Report report = SafeHibernation.hibernate(options, new Printer(System.out));
            // the memory was snapshot before the image was written: the resumed system knows when, not how much
            System.out.printf("example: resumed after %.1f s away (%d attempt(s) to make the image)%n",
                    report.resumed().away().toMillis() / 1000.0, report.resumed().attempts());
        } catch (HibernationRefused e) {
            System.err.println("example: this machine cannot hibernate now: " + e.getMessage());
            System.exit(69);
        }
    }

    /**
     * Tells what happens. After the snapshot the same code runs as in the rehearsals, which is why
     * {@link #forRehearsal()} hands them a printer of the same class that prints nowhere.
     */
    private static final class Printer implements HibernationListener {
        private final PrintStream out;
        private long lastTenth = -1;

        Printer(PrintStream out) {
            this.out = out;
        }

        @Override
        public HibernationListener forRehearsal() {
            return new Printer(new PrintStream(PrintStream.nullOutputStream()));
        }

        @Override
        public void step(Step step) {
            if (step instanceof Step.Rehearsed r) {
                out.println("example: rehearsed " + r.runs() + " times");
            } else if (step instanceof Step.Locked l) {
                out.println("example: locked in memory, " + l.residentKib() + " kB");
            } else if (step instanceof Step.Freezing) {
                out.println("example: freezing");
            }
        }

        @Override
        public void imageCreated(int attempt, long bytes) {
            out.println("example: image created");
        }

        @Override
        public void update(long done, long total, long bytes) {
            long tenth = total == 0 ? 10 : done * 10 / total;
            if (tenth != lastTenth) {
                lastTenth = tenth;
                out.print("example: writing ");
                out.print(tenth * 10);
                out.println('%');
            }
        }

        @Override
        public void poweringOff() {
            out.println("example: image stored, powering off");
            out.flush();
        }
    }
}
