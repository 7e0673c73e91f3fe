package dev.torpor.architecture;

import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** Torpor's layering as ArchUnit rules. Each has a test in {@link LayeringTest} showing it rejects a violation. */
final class TorporLayers {
    static final String SNAPSHOT_API = "dev.torpor.snapshot.api..";
    static final String SWAP_FORMAT = "dev.torpor.swap.format..";
    static final String IMAGE_IO = "dev.torpor.image.io..";
    static final String PLATFORM = "dev.torpor.platform.linux..";
    static final String HIBERNATION = "dev.torpor.hibernation..";
    static final String TOOLS = "dev.torpor.tools..";

    private TorporLayers() {
    }

    /** snapshot-api: java.* and the SLF4J API only; it does not know about storage (swap-format builds on it). */
    static final ArchRule SNAPSHOT_API_IS_PURE = classes().that().resideInAPackage(SNAPSHOT_API)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.slf4j", SNAPSHOT_API)
            .as("snapshot-api depends only on java.*, the SLF4J API and itself");

    /** swap-format: java.*, the SLF4J API and snapshot-api only. */
    static final ArchRule SWAP_FORMAT_IS_PURE = classes().that().resideInAPackage(SWAP_FORMAT)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.slf4j", SNAPSHOT_API, SWAP_FORMAT)
            .as("swap-format depends only on java.*, the SLF4J API, snapshot-api and itself");

    /** image-io: the pure modules, aircompressor, micrometer-core and the SLF4J API. */
    static final ArchRule IMAGE_IO_LIBRARIES = classes().that().resideInAPackage(IMAGE_IO)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.crypto..", "org.slf4j",
                    "io.airlift.compress..", "io.micrometer..", SNAPSHOT_API, SWAP_FORMAT, IMAGE_IO)
            .as("image-io depends only on the JDK (java.*, javax.crypto), snapshot-api, swap-format, aircompressor, "
                    + "micrometer-core and slf4j-api");

    /** Only platform-linux touches JNA. */
    static final ArchRule ONLY_PLATFORM_USES_JNA = noClasses().that().resideOutsideOfPackage(PLATFORM)
            .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
            .as("only platform-linux uses JNA");

    /** platform-linux sits beside image-io: it may use snapshot-api and JNA, nothing above. */
    static final ArchRule PLATFORM_DOES_NOT_DEPEND_UPWARD = noClasses().that().resideInAPackage(PLATFORM)
            .should().dependOnClassesThat().resideInAnyPackage(IMAGE_IO, HIBERNATION, TOOLS, "picocli..",
                    "com.fasterxml.jackson..")
            .as("platform-linux does not depend on image-io, hibernation, tools, picocli or Jackson");

    /** hibernation sits on image-io and platform-linux: the CLI is above it. */
    static final ArchRule HIBERNATION_DOES_NOT_DEPEND_UPWARD = noClasses().that().resideInAPackage(HIBERNATION)
            .should().dependOnClassesThat().resideInAnyPackage(TOOLS, "dev.torpor.guest..", "dev.torpor.packaging..")
            .as("hibernation does not depend on tools, the guest kit or the packaging");

    /** picocli, Jackson databind and SLF4J bindings are for tools only. */
    static final ArchRule CLI_LIBRARIES_ONLY_IN_TOOLS = noClasses().that().resideOutsideOfPackage(TOOLS)
            .should().dependOnClassesThat().resideInAnyPackage("picocli..", "com.fasterxml.jackson.databind..",
                    "org.slf4j.simple..", "org.slf4j.impl..")
            .as("only tools uses picocli, Jackson databind and an SLF4J binding");

    /** Only tools ends the process. */
    static final ArchRule ONLY_TOOLS_EXITS = noClasses().that().resideOutsideOfPackage(TOOLS)
            .should().callMethod(System.class, "exit", int.class)
            .orShould().callMethod(Runtime.class, "exit", int.class)
            .orShould().callMethod(Runtime.class, "halt", int.class)
            .as("only tools calls System.exit");

    /** No cycles between Torpor's packages. */
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("dev.torpor.(**)").should().beFreeOfCycles()
            .as("Torpor's packages are free of cycles");

    static final ArchRule[] ALL = {SNAPSHOT_API_IS_PURE, SWAP_FORMAT_IS_PURE, IMAGE_IO_LIBRARIES, ONLY_PLATFORM_USES_JNA,
        PLATFORM_DOES_NOT_DEPEND_UPWARD, HIBERNATION_DOES_NOT_DEPEND_UPWARD, CLI_LIBRARIES_ONLY_IN_TOOLS, ONLY_TOOLS_EXITS, NO_PACKAGE_CYCLES};
}
