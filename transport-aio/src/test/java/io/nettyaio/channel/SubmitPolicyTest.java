package io.nettyaio.channel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When {@link SubmitPolicy} submits at once and when it leaves requests for the end of the loop's turn. */
class SubmitPolicyTest {
    @Test
    void shouldSubmitAtOnceWhileTheKernelHoldsNothing() {
        SubmitPolicy policy = new SubmitPolicy(-1);
        assertTrue(policy.submitNow(1, 0), "a task's request on an idle device");
        policy.reapStarted();
        assertTrue(policy.submitNow(1, 0), "a handler's request on an idle device");
    }

    @Test
    void shouldLeaveTasksRequestsForTheEndOfTheTurnOnceTheKernelHoldsSome() {
        SubmitPolicy policy = new SubmitPolicy(-1);
        for (int inKernel = 1; inKernel < 64; inKernel++) {
            assertFalse(policy.submitNow(1, inKernel), "one request of a task, " + inKernel + " in the kernel");
            assertFalse(policy.submitNow(SubmitPolicy.MAX_BATCH, inKernel), "a batch of a task's requests");
        }
    }

    @Test
    void shouldSubmitHandlersRequestsAtOnceWhileTheDeviceHasIdleSlots() {
        SubmitPolicy policy = new SubmitPolicy(-1);
        policy.reapStarted();
        for (int inKernel = 1; inKernel < SubmitPolicy.SHALLOW; inKernel++) {
            assertTrue(policy.submitNow(1, inKernel), inKernel + " in the kernel");
        }
        assertFalse(policy.submitNow(1, SubmitPolicy.SHALLOW), "deeper, a single request waits for its batch");
        assertTrue(policy.submitNow(policy.batch(), 32), "a full batch goes");
        policy.reapEnded(4);
        assertFalse(policy.submitNow(1, 3), "after the reap, a request waits for the end of the turn");
    }

    @Test
    void shouldBatchAboutHalfTheCompletionsPerReapWithinBounds() {
        SubmitPolicy policy = new SubmitPolicy(-1);
        for (int i = 0; i < 64; i++) {
            policy.reapStarted();
            policy.reapEnded(20);
        }
        assertEquals(10, policy.batch(), 1, "about half of 20 (the moving average converges from below)");
        for (int i = 0; i < 64; i++) {
            policy.reapStarted();
            policy.reapEnded(100);
        }
        assertEquals(SubmitPolicy.MAX_BATCH, policy.batch());
        for (int i = 0; i < 64; i++) {
            policy.reapStarted();
            policy.reapEnded(1);
        }
        assertEquals(SubmitPolicy.MIN_BATCH, policy.batch());
    }

    @Test
    void shouldWaitForTheEndOfTheTurnWhereRequestsCompleteInsideIoSubmit() {
        SubmitPolicy policy = new SubmitPolicy(-1);
        for (int i = 0; i < 32; i++) {
            policy.submitted(8, 8); // zram: complete on io_submit's return
        }
        policy.reapStarted();
        assertTrue(policy.submitNow(1, 0), "an idle device still gets the request at once");
        assertFalse(policy.submitNow(1, 1));
        assertFalse(policy.submitNow(SubmitPolicy.MAX_BATCH, 32));
        for (int i = 0; i < 32; i++) {
            policy.submitted(8, 0); // the device went slow again
        }
        assertTrue(policy.submitNow(1, 1));
    }

    @Test
    void shouldKeepAFixedBatchWhereverRequestsComeFrom() {
        SubmitPolicy endOfTurn = new SubmitPolicy(0);
        endOfTurn.reapStarted();
        assertFalse(endOfTurn.submitNow(100, 0));
        SubmitPolicy eight = new SubmitPolicy(8);
        assertFalse(eight.submitNow(7, 0));
        assertTrue(eight.submitNow(8, 50));
        eight.reapStarted();
        assertFalse(eight.submitNow(7, 1));
    }
}
