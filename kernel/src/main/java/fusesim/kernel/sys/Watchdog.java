package fusesim.kernel.sys;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Per-step deadline: {@link #arm} schedules an action (abort + unmount) that runs unless the returned
 * handle is closed first. One daemon thread for the whole JVM.
 */
public final class Watchdog {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fusesim-watchdog");
        t.setDaemon(true);
        return t;
    });

    private Watchdog() {}

    /** A pending deadline; closing it disarms. */
    public interface Armed extends AutoCloseable {
        @Override
        void close();
    }

    /** Runs {@code onTimeout} after {@code timeout} unless disarmed. */
    public static Armed arm(Duration timeout, Runnable onTimeout) {
        ScheduledFuture<?> f = TIMER.schedule(onTimeout, timeout.toMillis(), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }
}
