package io.nettyaio.examples;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.PromiseCombiner;
import io.nettyaio.channel.AioBuffers;
import io.nettyaio.channel.AioFileChannel;
import io.nettyaio.channel.AioOpenOption;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * A chain of asynchronous steps on {@link AioFileChannel}: read a file, uppercase it, write it to two files at once,
 * {@code fdatasync} both, and "respond" with the text. Every step runs on one executor; the text buffer is handed
 * from step to step, and whichever step holds it when something fails releases it.
 */
final class UppercasePipeline {
    private final EventExecutor executor;
    private final ByteBufAllocator alloc;
    private final PrintStream log;

    /**
     * @param executor where completions and steps run, e.g. an {@code AioEventLoop}
     * @param alloc where buffers come from
     * @param log where each step reports
     */
    UppercasePipeline(EventExecutor executor, ByteBufAllocator alloc, PrintStream log) {
        this.executor = executor;
        this.alloc = alloc;
        this.log = log;
    }

    /**
     * Runs the whole chain.
     *
     * @return completes with the text written, or with the first step's failure
     */
    Future<String> run(Path input, Path output, Path backup) {
        Future<ByteBuf> text = read(input);
        Future<ByteBuf> upper = Futures.map(text, executor, this::uppercase);
        Future<ByteBuf> durable = Futures.flatMap(upper, executor, data -> writeDurably(data, output, backup));
        return Futures.map(durable, executor, this::respond);
    }

    /**
     * Reads one block at position 1 of a file opened with {@code O_DIRECT}: misaligned, so it must fail.
     *
     * @return the read's future, failed with a message naming the position and the alignment
     */
    Future<Integer> misalignedDirectRead(Path input) {
        AioFileChannel file;
        try {
            file = AioFileChannel.open(input, executor, StandardOpenOption.READ, AioOpenOption.DIRECT);
        } catch (IOException e) {
            return executor.newFailedFuture(e);
        }
        ByteBuf block = AioBuffers.directBuffer(file, file.alignment());
        return file.read(block, 1).addListener(done -> {
            block.release();
            file.closeAsync();
        });
    }

    private Future<ByteBuf> read(Path path) {
        Promise<ByteBuf> promise = executor.newPromise();
        AioFileChannel file;
        ByteBuf text;
        try {
            file = AioFileChannel.open(path, executor, StandardOpenOption.READ);
            text = alloc.directBuffer((int) file.size());
        } catch (IOException | RuntimeException e) {
            return promise.setFailure(e);
        }
        file.readFully(text, 0).addListener(read -> {
            file.closeAsync();
            if (read.isSuccess()) {
                log.println("  [1/5] read      " + text.readableBytes() + " bytes from " + path.getFileName());
                promise.setSuccess(text);
            } else {
                text.release();
                promise.setFailure(read.cause());
            }
        });
        return promise;
    }

    private ByteBuf uppercase(ByteBuf text) {
        try {
            String upper = text.toString(StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
            log.println("  [2/5] transform uppercase");
            ByteBuf result = alloc.directBuffer(upper.length());
            result.writeCharSequence(upper, StandardCharsets.UTF_8);
            return result;
        } finally {
            text.release();
        }
    }

    /** Writes {@code data} to both files in parallel, then fdatasyncs both in parallel; passes {@code data} on. */
    private Future<ByteBuf> writeDurably(ByteBuf data, Path output, Path backup) throws IOException {
        AioFileChannel out;
        AioFileChannel bak;
        try {
            out = openForWriting(output);
        } catch (IOException e) {
            data.release();
            throw e;
        }
        try {
            bak = openForWriting(backup);
        } catch (IOException e) {
            data.release();
            out.closeAsync();
            throw e;
        }
        PromiseCombiner writes = new PromiseCombiner(executor);
        writes.add(writeCopy(out, data));
        writes.add(writeCopy(bak, data));
        Promise<Void> written = executor.newPromise();
        writes.finish(written);

        Future<Void> synced = Futures.flatMap(written, executor, ignored -> {
            log.println("  [3/5] write     " + data.readableBytes() + " bytes to " + output.getFileName() + " and "
                    + backup.getFileName() + " at once (PromiseCombiner)");
            PromiseCombiner syncs = new PromiseCombiner(executor);
            syncs.add(out.fdatasync());
            syncs.add(bak.fdatasync());
            Promise<Void> bothSynced = executor.newPromise();
            syncs.finish(bothSynced);
            return bothSynced;
        });

        Promise<ByteBuf> result = executor.newPromise();
        synced.addListener(done -> {
            out.closeAsync();
            bak.closeAsync();
            if (done.isSuccess()) {
                log.println("  [4/5] fdatasync both files");
                result.setSuccess(data);
            } else {
                data.release();
                result.setFailure(done.cause());
            }
        });
        return result;
    }

    /** Each write gets its own view of the bytes: a write moves the reader index of the buffer it is given. */
    private static Future<Integer> writeCopy(AioFileChannel file, ByteBuf data) {
        ByteBuf view = data.retainedDuplicate();
        return file.write(view, 0).addListener(done -> view.release());
    }

    private AioFileChannel openForWriting(Path path) throws IOException {
        return AioFileChannel.open(path, executor, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    private String respond(ByteBuf data) {
        try {
            String text = data.toString(StandardCharsets.UTF_8);
            log.println("  [5/5] respond   \"" + text.strip() + "\"");
            return text;
        } finally {
            data.release();
        }
    }
}
