package io.commucat.ccp.server.http;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;

/** A REST request body collected up to a limit. Event loop only. */
final class BodyBuffer {

    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    BodyBuffer(int limit) {
        this.limit = limit;
    }

    /** Appends {@code content}; {@code false} when the body would pass the limit (nothing kept then). */
    boolean append(ByteBuf content) {
        int length = content.readableBytes();
        if (bytes.size() + (long) length > limit) {
            bytes.reset();
            return false;
        }
        byte[] chunk = new byte[length];
        content.getBytes(content.readerIndex(), chunk);
        bytes.write(chunk, 0, length);
        return true;
    }

    byte[] toByteArray() {
        return bytes.toByteArray();
    }
}
