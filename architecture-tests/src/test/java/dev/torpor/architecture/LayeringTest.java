package dev.torpor.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.torpor.hibernation.violation.UsesToolsFromHibernation;
import dev.torpor.image.io.cyclea.A;
import dev.torpor.image.io.cycleb.B;
import dev.torpor.image.io.violation.Exits;
import dev.torpor.image.io.violation.UsesJackson;
import dev.torpor.image.io.violation.UsesJna;
import dev.torpor.platform.linux.violation.UsesTools;
import dev.torpor.snapshot.api.violation.UsesSwapFormat;
import dev.torpor.swap.format.violation.UsesImageIo;
import dev.torpor.swap.format.violation.UsesPicocli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The layering rules hold for Torpor's production code, and each rejects a class that breaks it. */
class LayeringTest {
    private static JavaClasses production;

    @BeforeAll
    static void importProduction() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.torpor");
    }

    @Test
    void productionCodeIsImportedFromEveryModule() {
        for (String pkg : new String[] {"dev.torpor.snapshot.api", "dev.torpor.swap.format", "dev.torpor.image.io",
            "dev.torpor.platform.linux", "dev.torpor.hibernation", "dev.torpor.tools"}) {
            assertThat(production.containPackage(pkg)).as(pkg).isTrue();
        }
        assertThat(production.stream().noneMatch(c -> c.getPackageName().contains("violation"))).isTrue();
    }

    @Test
    void productionCodeFollowsEveryRule() {
        for (ArchRule rule : TorporLayers.ALL) {
            rule.check(production);
        }
    }

    static Stream<Arguments> violations() {
        return Stream.of(
                Arguments.of(TorporLayers.SNAPSHOT_API_IS_PURE, new Class<?>[] {UsesSwapFormat.class}),
                Arguments.of(TorporLayers.SWAP_FORMAT_IS_PURE, new Class<?>[] {UsesImageIo.class}),
                Arguments.of(TorporLayers.IMAGE_IO_LIBRARIES, new Class<?>[] {UsesJackson.class}),
                Arguments.of(TorporLayers.ONLY_PLATFORM_USES_JNA, new Class<?>[] {UsesJna.class}),
                Arguments.of(TorporLayers.PLATFORM_DOES_NOT_DEPEND_UPWARD, new Class<?>[] {UsesTools.class}),
                Arguments.of(TorporLayers.HIBERNATION_DOES_NOT_DEPEND_UPWARD,
                        new Class<?>[] {UsesToolsFromHibernation.class}),
                Arguments.of(TorporLayers.CLI_LIBRARIES_ONLY_IN_TOOLS, new Class<?>[] {UsesPicocli.class}),
                Arguments.of(TorporLayers.ONLY_TOOLS_EXITS, new Class<?>[] {Exits.class}),
                Arguments.of(TorporLayers.NO_PACKAGE_CYCLES, new Class<?>[] {A.class, B.class}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void ruleRejectsAViolatingClass(ArchRule rule, Class<?>[] offenders) {
        JavaClasses classes = new ClassFileImporter().importClasses(offenders);
        assertThatThrownBy(() -> rule.check(classes)).isInstanceOf(AssertionError.class)
                .hasMessageContaining(offenders[0].getSimpleName());
    }

    @Test
    void everyRuleHasAViolationTest() {
        assertThat(violations().count()).isEqualTo(TorporLayers.ALL.length);
    }
}
