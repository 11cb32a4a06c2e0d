package io.ha4neo.it.support;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Starts a {@link TestStack} once before all tests of a class and stops it after them, even when a test fails. A
 * failed test first leaves its stack's recent log lines in {@link FailureDiagnostics}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestStackExtension STACK = new TestStackExtension(() -> TestStack.builder("capture")
 *         .withBroker().withPrimary("primary").start());
 *
 * @Test
 * void publishesEveryCommit() {
 *     Neo4jServer primary = STACK.get().server("primary");
 * }
 * }</pre>
 */
public final class TestStackExtension implements BeforeAllCallback, AfterAllCallback, TestWatcher {
    private final Supplier<TestStack> starter;
    private TestStack stack;

    /** An extension that calls {@code starter} (which builds and starts the stack) before all tests. */
    public TestStackExtension(Supplier<TestStack> starter) {
        this.starter = starter;
    }

    /** The running stack; fails outside the test class's lifetime. */
    public TestStack get() {
        if (stack == null) {
            throw new IllegalStateException("the TestStack is not started; register the extension on a static field");
        }
        return stack;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        stack = starter.get();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (stack != null) {
            FailureDiagnostics.record(context.getRequiredTestClass().getSimpleName() + "."
                    + context.getRequiredTestMethod().getName(), cause, stack);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (stack != null) {
            stack.close();
        }
    }
}
