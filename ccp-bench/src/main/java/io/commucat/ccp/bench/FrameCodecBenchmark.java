package io.commucat.ccp.bench;

import io.commucat.ccp.proto.CodecException;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameCodec;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.proto.StreamingFrameDecoder;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** Encoding and decoding a {@code Msg} frame of 64 B, 1 KiB and 64 KiB of payload. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FrameCodecBenchmark {

    @Param({"64", "1024", "65536"})
    int payloadBytes;

    private Frame frame;
    private byte[] encoded;

    @Setup
    public void setUp() {
        byte[] payload = new byte[payloadBytes];
        ThreadLocalRandom.current().nextBytes(payload);
        frame = Frame.opaque(FrameType.MSG, 42, 7, payload);
        encoded = FrameCodec.encode(frame);
    }

    @Benchmark
    public byte[] encode() {
        return FrameCodec.encode(frame);
    }

    @Benchmark
    public Frame decodeContiguous() throws CodecException {
        return FrameCodec.standard().decode(ByteBuffer.wrap(encoded));
    }

    /** A fresh streaming decoder per frame, fed the frame in one chunk (the common case). */
    @Benchmark
    public void decodeStreaming(Blackhole bh) throws CodecException {
        new StreamingFrameDecoder().decode(ByteBuffer.wrap(encoded), f -> {
            bh.consume(f);
            return true;
        });
    }
}
