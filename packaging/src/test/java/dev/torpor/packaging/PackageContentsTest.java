package dev.torpor.packaging;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built package as Debian's tools see it: dpkg-deb's listing and control fields, lintian without errors, the
 * jar without the repository's guest kit, a man page for every command, the conffile.
 */
@Tag("debian-system")
class PackageContentsTest {
    static final Path DEB = Path.of(System.getProperty("torpor.deb", "target/torpor.deb"));

    @Test
    void lintianFindsNoErrors() throws Exception {
        String out = run("lintian", "--tag-display-limit", "0", DEB.toString());
        assertThat(out.lines().filter(l -> l.startsWith("E: ")).toList()).as(out).isEmpty();
    }

    @Test
    void theControlFieldsAndTheConffile() throws Exception {
        String info = run("dpkg-deb", "--info", DEB.toString());
        assertThat(info).contains("Package: torpor", "Architecture: amd64", "Depends: libc6", "Maintainer: ",
                "Installed-Size: ");
        assertThat(run("dpkg-deb", "--ctrl-tarfile", DEB.toString()).length()).isPositive();
        Path ctrl = Files.createTempDirectory("torpor-ctrl");
        run("dpkg-deb", "--control", DEB.toString(), ctrl.toString());
        assertThat(Files.readString(ctrl.resolve("conffiles")).strip()).isEqualTo("/etc/torpor/torpor.conf");
        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertThat(ctrl.resolve(script)).isExecutable();
        }
    }

    @Test
    void theFilesAnAdministratorGets() throws Exception {
        String list = run("dpkg-deb", "--contents", DEB.toString());
        assertThat(list).contains("./usr/bin/torpor", "./usr/lib/torpor/torpor.jar",
                "./usr/lib/torpor/runtime/bin/java", "./usr/lib/torpor/libjnidispatch.so",
                "./usr/lib/torpor/libtorpor-native.so", "./usr/share/torpor/jvm.options",
                "./etc/torpor/torpor.conf", "./lib/systemd/system/systemd-hibernate.service.d/torpor.conf",
                "./lib/systemd/system/systemd-hybrid-sleep.service.d/torpor.conf", "./usr/lib/torpor/torpor-sleep",
                "./usr/share/initramfs-tools/hooks/torpor", "./usr/share/initramfs-tools/scripts/local-premount/torpor",
                "./usr/lib/dracut/modules.d/90torpor/module-setup.sh", "./usr/share/bash-completion/completions/torpor",
                "./usr/share/doc/torpor/copyright", "./usr/share/doc/torpor/changelog.gz",
                "./usr/lib/torpor/initrd-functions");
        assertThat(list).as("a unit file is not executable (systemd warns)")
                .containsPattern("-rw-r--r-- root/root .* \\./usr/lib/dracut/modules.d/90torpor/torpor-resume.service")
                .containsPattern("-rwxr-xr-x root/root .* \\./usr/lib/dracut/modules.d/90torpor/module-setup.sh");
        for (String command : List.of("", "-inspect", "-extract", "-read-stream", "-write-image", "-invalidate",
                "-swap-offset", "-check", "-hibernate", "-resume", "-config", "-bench")) {
            assertThat(list).contains("./usr/share/man/man1/torpor" + command + ".1.gz");
        }
        assertThat(list).as("the demo is the repository's, not the package's").doesNotContain("torpor-demo");
    }

    @Test
    void theJarHoldsNoGuestKitNorDemo() throws Exception {
        Path jar = Path.of(System.getProperty("torpor.jar", "../tools/target/torpor.jar"));
        try (ZipFile z = new ZipFile(jar.toFile())) {
            List<String> names = z.stream().map(e -> e.getName()).toList();
            assertThat(names).contains("dev/torpor/tools/Torpor.class", "dev/torpor/tools/jvm.options");
            assertThat(names).noneMatch(n -> n.startsWith("dev/torpor/guest/") || n.contains("Demo")
                    || n.startsWith("dev/torpor/tools/guest/"));
        }
    }

    @Test
    void theJarSaysTheVersionTheBuildGaveIt() throws Exception {
        Path jar = Path.of(System.getProperty("torpor.jar", "../tools/target/torpor.jar"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        assertThat(run(java, "-jar", jar.toString(), "--version").strip())
                .isEqualTo("torpor " + System.getProperty("torpor.version", "0.1.0-SNAPSHOT"));
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ":\n" + out).isZero();
        return out;
    }
}
