package dev.torpor.tools;

import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.write.SwapArea;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.function.Supplier;

/** {@code torpor}: the reference command-line tool. */
@Command(name = "torpor", mixinStandardHelpOptions = true, versionProvider = Torpor.Version.class,
        subcommands = {InspectCommand.class, ExtractCommand.class, ReadStreamCommand.class, WriteImageCommand.class,
                InvalidateCommand.class, SwapOffsetCommand.class, CheckCommand.class, HibernateCommand.class,
                ResumeCommand.class, ConfigCommand.class, BenchCommand.class, ScanCommand.class, KeygenCommand.class,
                CommandLine.HelpCommand.class},
        description = {"Linux userspace hibernation: read, check, extract and write hibernation images.", "",
                "Exit codes: 0 success (inspect: valid kernel image), 1 no image, 2 corrupt image, 3 foreign image,",
                "4 Torpor encrypted image (inspect without --key), 64 usage error, 65 unusable input (swap-offset, "
                        + "an area that already holds an image), 69 cannot hibernate (check), 70 internal error, "
                        + "73 output exists or cannot be created, 74 I/O error, 78 bad config file."})
public final class Torpor implements Runnable {

    /**
     * The JDK modules torpor needs in a runtime made by jlink (JNA wants java.logging; Jackson and Micrometer the
     * others; hibernate stops the JIT through jdk.management's DiagnosticCommand MBean, which lists no command at all
     * when jdk.jfr is missing; public-key images need X25519, which is jdk.crypto.ec's).
     */
    public static final String RUNTIME_MODULES = String.join(",", "java.base", "java.logging", "java.management",
            "jdk.management", "jdk.jfr", "jdk.unsupported", "java.naming", "java.sql", "jdk.crypto.ec");
    // not a compile-time constant on purpose: the packaging and the guest kit read it when they run, so a build
    // that does not recompile them still gets the current list

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        prepareJvm(); // before the method reference below, whose bootstrap already uses reflection
        launch(Torpor::commandLine, args);
    }

    /**
     * Sets what the JVM reads once, on first use (reflection's inflation threshold): the first thing a launcher's
     * {@code main} does, before any lambda or method reference.
     */
    public static void prepareJvm() {
        JvmSettings.apply();
    }

    /**
     * Runs the command line {@code model} makes as {@code main} does, and exits with its code: for launchers that add
     * commands to {@link #commandLine()} (the repository's demo). Call {@link #prepareJvm()} first.
     */
    public static void launch(Supplier<CommandLine> model, String[] args) {
        JvmSettings.apply(); // a second call changes nothing
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(model.get(), out, err, args));
    }

    /** Runs the tool as {@code main} would, without exiting; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(commandLine(), out, err, args);
    }

    /** Runs {@code cl} (made by {@link #commandLine()}, perhaps with more commands) without exiting. */
    public static int run(CommandLine cl, PrintWriter out, PrintWriter err, String... args) {
        cl.setOut(out);
        cl.setErr(err);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The JVM options {@code command} ({@code hibernate} or {@code resume}) needs, from {@code jvm.options}. */
    public static String jvmOptions(String command) {
        return JvmOptions.of(command);
    }

    /** The command model, as used for execution and for the generated CLI reference. */
    public static CommandLine commandLine() {
        JvmOptions.publish();
        CommandLine cl = new CommandLine(new Torpor());
        cl.setExitCodeExceptionMapper(Torpor::exitCode);
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("torpor: " + ex.getMessage());
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            err.println("torpor: " + describe(ex));
            if (System.getenv("TORPOR_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            return exitCode(ex);
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof ConfigFile.Invalid) {
            return ExitCodes.CONFIG;
        }
        if (ex instanceof CommandLine.ParameterException || ex instanceof IllegalArgumentException) {
            return ExitCodes.USAGE;
        }
        if (ex instanceof dev.torpor.hibernation.HibernationRefused) {
            return ExitCodes.UNAVAILABLE;
        }
        if (ex instanceof SwapArea.ImagePresentException) {
            return ExitCodes.DATA_ERROR;
        }
        if (ex instanceof ImageFormatException) {
            return ExitCodes.CORRUPT;
        }
        if (ex instanceof dev.torpor.image.io.encrypted.KeyFileException) {
            return ExitCodes.USAGE;
        }
        if (ex instanceof FileAlreadyExistsException) {
            return ExitCodes.CANT_CREATE;
        }
        if (ex instanceof IOException) {
            return ExitCodes.IO_ERROR;
        }
        return ExitCodes.SOFTWARE;
    }

    static String describe(Throwable ex) {
        if (ex instanceof ConfigFile.Invalid) {
            return ex.getMessage() + " (nothing was done: fix the file, or see torpor config --help)";
        }
        if (ex instanceof ImageFormatException) {
            ImageFormatException f = (ImageFormatException) ex;
            return String.format("corrupt image at byte %d (0x%x): %s", f.offset(), f.offset(), f.getMessage());
        }
        if (ex instanceof FileAlreadyExistsException) {
            return ((FileAlreadyExistsException) ex).getFile() + " exists; give --force to overwrite it";
        }
        if (ex instanceof dev.torpor.image.io.encrypted.KeyFileException) {
            return ex.getMessage();
        }
        if (ex instanceof NoSuchFileException) {
            return ((NoSuchFileException) ex).getFile() + ": no such file or device";
        }
        if (ex instanceof java.nio.file.AccessDeniedException) {
            return ((java.nio.file.AccessDeniedException) ex).getFile() + ": permission denied";
        }
        if (ex instanceof IOException) {
            return "I/O error: " + ex.getMessage();
        }
        if (ex instanceof IllegalArgumentException || ex instanceof dev.torpor.hibernation.HibernationRefused
                || ex instanceof SwapArea.ImagePresentException) {
            return ex.getMessage();
        }
        return "internal error (" + ex.getClass().getSimpleName() + ": " + ex.getMessage()
                + "); set TORPOR_DEBUG=1 for details and please report it";
    }

    /** The version the build wrote into the jar's manifest (Implementation-Version). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Torpor.class.getPackage().getImplementationVersion();
            return new String[] {"torpor " + (v == null ? "(version unknown: not run from a built jar)" : v)};
        }
    }
}
