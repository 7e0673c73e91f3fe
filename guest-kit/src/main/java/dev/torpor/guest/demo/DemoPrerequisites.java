package dev.torpor.guest.demo;

import dev.torpor.guest.Guests;
import dev.torpor.guest.HostProgram;
import dev.torpor.guest.JavaRuntime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code torpor demo} needs on the host, all checked before anything is fetched: each missing thing with the
 * Debian package that provides it.
 */
final class DemoPrerequisites {
    /** One missing thing. */
    record Missing(String what, String debianPackage) {
    }

    private DemoPrerequisites() {
    }

    static List<Missing> check(Path jdk, Path jar) throws IOException {
        List<Missing> missing = new ArrayList<>();
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!System.getProperty("os.name", "").equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            missing.add(new Missing("an x86-64 Linux host (the guest gets this machine's glibc and a runtime made "
                    + "from this JDK; this is " + System.getProperty("os.name") + " " + arch + ")", null));
        }
        program(missing, "qemu-system-x86_64", "qemu-system-x86");
        program(missing, "apt-get", "apt");
        program(missing, "apt-cache", "apt");
        program(missing, "dpkg-deb", "dpkg");
        program(missing, "mkswap", "util-linux");
        program(missing, "ldd", "libc-bin");
        program(missing, "xz", "xz-utils");
        if (!Guests.isStaticElf(Path.of("/bin/busybox"))) {
            missing.add(new Missing("a statically linked /bin/busybox for the guest's initramfs", "busybox-static"));
        }
        if (!JavaRuntime.canLink(jdk)) {
            missing.add(new Missing("jlink in " + jdk + " (run torpor with a full JDK 17+)", "openjdk-17-jdk-headless"));
        }
        if (jar == null || !Files.isRegularFile(jar)) {
            missing.add(new Missing("torpor.jar to run inside the guest (build it with ./mvnw -pl tools -am package, "
                    + "or name it with --jar)", null));
        }
        return missing;
    }

    /** The apt-get command that installs what is missing, if packages can fix it. */
    static String installHint(List<Missing> missing) {
        Set<String> packages = new LinkedHashSet<>();
        missing.stream().map(Missing::debianPackage).filter(p -> p != null).forEach(packages::add);
        return packages.isEmpty() ? "" : "apt-get install " + String.join(" ", packages);
    }

    private static void program(List<Missing> missing, String name, String pkg) {
        if (HostProgram.find(name).isEmpty()) {
            missing.add(new Missing(name, pkg));
        }
    }
}
