package io.nettyaio.examples.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlightTest {

    @Test
    void shouldLandWhenEverySlotStoppedAfterStop() throws InterruptedException {
        Flight flight = new Flight();
        flight.launch(2);
        assertTrue(flight.proceed());

        flight.stop();
        assertFalse(flight.proceed());
        flight.land();
        assertFalse(flight.awaitLanded(0, TimeUnit.SECONDS));
        flight.land();

        assertTrue(flight.awaitLanded(0, TimeUnit.SECONDS));
    }

    @Test
    void shouldKeepTheFirstFailureAndStopProceeding() {
        Flight flight = new Flight();
        IOException first = new IOException("first");
        flight.fail(first);
        flight.fail(new IOException("second"));

        assertSame(first, flight.failure());
        assertFalse(flight.proceed());
    }

    @Test
    void shouldRefuseToLaunchTwice() {
        Flight flight = new Flight();
        flight.launch(1);
        assertThrows(IllegalStateException.class, () -> flight.launch(1));
    }
}
