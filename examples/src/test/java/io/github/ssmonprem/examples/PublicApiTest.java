package io.github.ssmonprem.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.github.ssmonprem.examples.fixture.LeakyApi;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * No public signature of the SDK's library modules exposes a type of an {@code internal} package:
 * users can rely on the javadoc'd API alone, and internals can change freely.
 */
class PublicApiTest {

    private static final ArchCondition<JavaClass> EXPOSE_NO_INTERNAL_TYPE =
            new ArchCondition<>("expose no type of an internal package in a public or protected signature") {
                @Override
                public void check(JavaClass type, ConditionEvents events) {
                    for (String leak : leaks(type)) {
                        events.add(SimpleConditionEvent.violated(type, leak));
                    }
                }
            };

    private static final ArchRule RULE = classes().that().arePublic()
            .and().resideOutsideOfPackage("..internal..")
            .should(EXPOSE_NO_INTERNAL_TYPE);

    static List<String> leaks(JavaClass type) {
        List<String> leaks = new ArrayList<>();
        Set<JavaClass> supertypes = new LinkedHashSet<>();
        type.getRawSuperclass().ifPresent(supertypes::add);
        supertypes.addAll(type.getRawInterfaces());
        for (JavaClass s : supertypes) {
            if (internal(s)) {
                leaks.add(type.getName() + " extends or implements " + s.getName());
            }
        }
        for (JavaMember member : type.getMembers()) {
            if (!member.getModifiers().contains(JavaModifier.PUBLIC) && !member.getModifiers().contains(JavaModifier.PROTECTED)) {
                continue;
            }
            Set<JavaClass> involved = new LinkedHashSet<>();
            if (member instanceof JavaField) {
                involved.addAll(((JavaField) member).getType().getAllInvolvedRawTypes());
            } else if (member instanceof JavaCodeUnit) {
                JavaCodeUnit unit = (JavaCodeUnit) member;
                involved.addAll(unit.getReturnType().getAllInvolvedRawTypes());
                for (JavaType parameter : unit.getParameterTypes()) {
                    involved.addAll(parameter.getAllInvolvedRawTypes());
                }
                involved.addAll(unit.getThrowsClause().getTypes());
            }
            for (JavaClass t : involved) {
                if (internal(t)) {
                    leaks.add(member.getFullName() + " exposes " + t.getName());
                }
            }
        }
        return leaks;
    }

    private static boolean internal(JavaClass type) {
        JavaClass base = type.isArray() ? type.getBaseComponentType() : type;
        return base.getPackageName().contains(".internal");
    }

    @Test
    void noPublicSignatureOfTheLibraryModulesExposesAnInternalType() {
        JavaClasses sdk = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar") && !location.contains("/test-classes/"))
                .importPackages("io.github.ssmonprem.core", "io.github.ssmonprem.auth", "io.github.ssmonprem.sync",
                        "io.github.ssmonprem.emulator", "io.github.ssmonprem.testkit");
        assertTrue(sdk.size() > 100, "the library modules' classes were imported: " + sdk.size());
        RULE.check(sdk);
    }

    @Test
    void theRuleCatchesALeak() {
        JavaClasses leaky = new ClassFileImporter().importClasses(LeakyApi.class);
        EvaluationResult result = RULE.evaluate(leaky);
        assertTrue(result.hasViolation(), "the rule reports a public method returning an internal type");
        String report = result.getFailureReport().toString();
        assertTrue(report.contains("leak(java.util.List)") && report.contains("Redactor"), report);
        assertFalse(leaks(leaky.get(LeakyApi.class)).isEmpty());
    }
}
