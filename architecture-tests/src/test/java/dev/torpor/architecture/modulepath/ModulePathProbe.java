package dev.torpor.architecture.modulepath;

import dev.torpor.hibernation.NativeCodecs;
import dev.torpor.hibernation.ResumeOptions;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.platform.linux.LinuxPlatform;
import dev.torpor.platform.linux.LinuxSystem;

import java.nio.file.Path;

/**
 * Run by {@code NamedModulesTest} in a JVM of its own, with Torpor's libraries on the module path: it reads a real
 * image and makes JNA calls from inside the named platform module, and prints what it found for the test to check.
 */
public final class ModulePathProbe {
    private ModulePathProbe() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("module " + HibernationImage.class.getModule().getName()
                + " named=" + HibernationImage.class.getModule().isNamed());
        System.out.println("module " + LinuxPlatform.class.getModule().getName()
                + " named=" + LinuxPlatform.class.getModule().isNamed()
                + " descriptor=" + !LinuxPlatform.class.getModule().getDescriptor().isAutomatic());
        System.out.println("module " + ResumeOptions.class.getModule().getName()
                + " automatic=" + ResumeOptions.class.getModule().getDescriptor().isAutomatic());
        // the JNI library is a resource of the platform module, loaded from inside it
        System.out.println("codecs " + NativeCodecs.install());
        try (HibernationImage image = HibernationImage.open(Path.of(args[0]))) {
            System.out.println("verdict " + image.inspect(false).verdict());
        }
        System.out.println("unavailability " + LinuxPlatform.unavailabilityCause().map(Throwable::toString)
                .orElse("none"));
        System.out.println("uname " + LinuxSystem.local().uname().machine());
    }
}
