package io.nettyaio.channel;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.MultithreadEventExecutorGroup;

import java.util.concurrent.Executor;

/** STUB: signatures from API.md; implementation in progress. */
public final class AioEventLoopGroup extends MultithreadEventExecutorGroup {
    public AioEventLoopGroup() { this(0); }
    public AioEventLoopGroup(int nThreads) { super(nThreads, (Executor) null); }
    @Override protected EventExecutor newChild(Executor executor, Object... args) {
        throw new UnsupportedOperationException("stub");
    }
}
