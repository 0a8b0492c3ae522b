package io.jcontext.junit5;

import io.jcontext.Context;
import io.jcontext.testing.Bubble;
import io.jcontext.testing.VirtualClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.jspecify.annotations.Nullable;

/**
 * The extension behind {@link InBubble}: runs a test method inside a new
 * {@link io.jcontext.testing.Bubble} and injects {@code Bubble}, {@code VirtualClock} (its
 * clock) and {@code Context} (its root) parameters.
 *
 * <p>The test fails when {@code Bubble.run} does: a deadlock (every bubble thread blocked in a
 * wait of the library, no timer pending), threads left blocked when the method returns (they
 * would outlive the test), a thread blocked where the bubble cannot see for the stall timeout,
 * or an exception in any bubble thread. It also fails when timers are still pending on the
 * bubble's clock after the method returned: a deadline context that was never cancelled (its
 * registration with the clock is what is left behind). A registration on the bubble's root
 * itself retains nothing (the root is never cancelled), and every other registration of the
 * library is held by a timer or a blocked thread, so these checks cover them.
 *
 * <p>Parameters are resolved to placeholders before the bubble exists and replaced when the
 * method runs on the bubble's main thread; the method is then invoked by this extension (JUnit's
 * own invocation is skipped), so other interceptors of the test method run outside the bubble.
 * Lifecycle methods ({@code @BeforeEach}…) run outside the bubble, on the test thread.
 */
public final class BubbleExtension implements InvocationInterceptor, ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
    Class<?> t = pc.getParameter().getType();
    return pc.getDeclaringExecutable() instanceof Method
        && (t == Bubble.class || t == VirtualClock.class || t == Context.class);
  }

  @Override
  public @Nullable Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
    if (!ec.getTestMethod().isPresent() || pc.getDeclaringExecutable() != ec.getTestMethod().get()) {
      throw new ParameterResolutionException("bubble parameters are for test methods only, not "
          + pc.getDeclaringExecutable());
    }
    return null; // a placeholder: the bubble does not exist yet (see interceptTestMethod)
  }

  @Override
  public void interceptTestMethod(Invocation<Void> invocation,
      ReflectiveInvocationContext<Method> call, ExtensionContext ec) throws Throwable {
    InBubble config = find(ec);
    Method method = call.getExecutable();
    Object target = call.getTarget().orElse(null);
    List<Object> args = call.getArguments();
    Parameter[] params = method.getParameters();
    invocation.skip();
    Bubble[] seen = new Bubble[1];
    Bubble.options()
        .start(Instant.parse(config.start()))
        .stallTimeout(Duration.ofMillis(config.stallTimeoutMillis()))
        .run(b -> {
          seen[0] = b;
          Object[] actual = args.toArray();
          for (int i = 0; i < params.length; i++) {
            Class<?> t = params[i].getType();
            if (actual[i] == null) {
              if (t == Bubble.class) {
                actual[i] = b;
              } else if (t == VirtualClock.class) {
                actual[i] = b.clock();
              } else if (t == Context.class) {
                actual[i] = b.context();
              }
            }
          }
          method.setAccessible(true);
          try {
            method.invoke(target, actual);
          } catch (InvocationTargetException e) {
            throw sneaky(e.getCause());
          }
        });
    int pending = seen[0].clock().pendingTimers();
    if (config.failOnPendingTimers() && pending > 0) {
      throw new AssertionError(pending + " timer(s) still pending on the bubble's clock when "
          + method.getName() + " returned (next at " + seen[0].clock().nextDeadline()
          + "): a deadline context was not cancelled (use try-with-resources)");
    }
  }

  private static InBubble find(ExtensionContext ec) {
    Optional<InBubble> onMethod = ec.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, InBubble.class));
    if (onMethod.isPresent()) {
      return onMethod.get();
    }
    return ec.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, InBubble.class))
        .orElseThrow(() -> new IllegalStateException("BubbleExtension needs @InBubble on the test"));
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable e) throws E {
    throw (E) e;
  }
}
