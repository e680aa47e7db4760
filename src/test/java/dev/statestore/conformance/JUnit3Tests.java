package dev.statestore.conformance;

import junit.framework.Test;
import junit.framework.TestCase;
import junit.framework.TestFailure;
import junit.framework.TestResult;
import junit.framework.TestSuite;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

import java.util.Collections;
import java.util.Enumeration;

/**
 * Runs a JUnit 3 suite (what Guava testlib's suite builders produce) as JUnit 5 dynamic tests:
 * a container per {@link TestSuite}, a test per {@link TestCase}, failing with the test's own
 * error. Preferred to the vintage engine here because surefire reports thousands of vintage
 * tests sharing a method name very slowly (about 60 s for the 15 s of tests).
 */
public final class JUnit3Tests {
    private JUnit3Tests() {
    }

    /** The dynamic node of {@code test}. */
    public static DynamicNode of(Test test) {
        if (test instanceof TestSuite) {
            TestSuite suite = (TestSuite) test;
            return DynamicContainer.dynamicContainer(suite.getName(),
                    Collections.list(suite.tests()).stream().map(JUnit3Tests::of));
        }
        String name = test instanceof TestCase ? ((TestCase) test).getName() : test.toString();
        return DynamicTest.dynamicTest(name, () -> run(test));
    }

    private static void run(Test test) throws Throwable {
        TestResult result = new TestResult();
        test.run(result);
        Throwable first = first(result.errors());
        if (first == null) {
            first = first(result.failures());
        }
        if (first != null) {
            throw first;
        }
    }

    private static Throwable first(Enumeration<TestFailure> failures) {
        return failures.hasMoreElements() ? failures.nextElement().thrownException() : null;
    }
}
