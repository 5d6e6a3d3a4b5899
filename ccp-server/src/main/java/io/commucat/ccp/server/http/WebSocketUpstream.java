package io.commucat.ccp.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.Base64;

/**
 * ccp-1.md §1.2 upstream over WebSocket: the bytes a data frame carries for the session. A
 * binary message's payload goes as it is; a text message holds standard base64 of upstream
 * bytes, decoded as it arrives (a fragment may end inside a 4-character group: at most three
 * characters wait for the next one). Nothing is reassembled: the session's frame decoder accepts
 * any chunking, so a message's fragments go upstream one by one and the only bound needed is the
 * frame decoder's payload limit.
 *
 * <p>Netty's frame decoder already refuses a continuation outside a message and a new message
 * inside one (1002), and text that is not UTF-8 (1007); this class refuses what only it can see:
 * text that is not base64 (1007, {@link CorruptedWebSocketFrameException} with that status).
 * One instance per connection; event loop only.
 */
final class WebSocketUpstream {

    /** What the message being received is: its fragments follow as continuations. */
    private enum Message { NONE, BINARY, TEXT }

    private Message message = Message.NONE;
    /** Base64 characters of a group not yet complete. */
    private final byte[] carry = new byte[4];
    private int carried;
    /** The text message's base64 ended with padding: nothing may follow it. */
    private boolean padded;

    /**
     * The upstream bytes of one data frame (possibly none), for the caller to release; the frame
     * stays the caller's.
     *
     * @throws CorruptedWebSocketFrameException status 1007 for text that is not base64
     */
    ByteBuf accept(WebSocketFrame frame) {
        if (frame instanceof BinaryWebSocketFrame) {
            message = frame.isFinalFragment() ? Message.NONE : Message.BINARY;
            return frame.content().retainedSlice();
        }
        if (frame instanceof TextWebSocketFrame) {
            message = Message.TEXT;
            carried = 0;
            padded = false;
            return text(frame);
        }
        if (frame instanceof ContinuationWebSocketFrame) {
            if (message == Message.TEXT) {
                return text(frame);
            }
            if (frame.isFinalFragment()) {
                message = Message.NONE;
            }
            return frame.content().retainedSlice();
        }
        return Unpooled.EMPTY_BUFFER;
    }

    private ByteBuf text(WebSocketFrame frame) {
        ByteBuf chars = frame.content();
        if (padded && chars.isReadable()) {
            throw notBase64();
        }
        byte[] all = new byte[carried + chars.readableBytes()];
        System.arraycopy(carry, 0, all, 0, carried);
        chars.getBytes(chars.readerIndex(), all, carried, chars.readableBytes());
        int whole = all.length - all.length % 4;
        carried = all.length - whole;
        System.arraycopy(all, whole, carry, 0, carried);
        if (frame.isFinalFragment()) {
            message = Message.NONE;
            if (carried != 0) {
                throw notBase64();
            }
        }
        if (whole == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        padded = all[whole - 1] == '=';
        try {
            return Unpooled.wrappedBuffer(Base64.getDecoder().decode(java.util.Arrays.copyOf(all, whole)));
        } catch (IllegalArgumentException e) {
            throw notBase64();
        }
    }

    private static CorruptedWebSocketFrameException notBase64() {
        // Our own text: never the peer's bytes.
        return new CorruptedWebSocketFrameException(WebSocketCloseStatus.INVALID_PAYLOAD_DATA,
                "text message is not standard base64");
    }
}
