package io.commucat.ccp.cli;

import io.commucat.ccp.client.CcpException;
import io.commucat.ccp.client.IncomingMessage;
import io.commucat.ccp.client.SessionListener;
import io.commucat.ccp.proto.ControlPayload;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import java.io.PrintWriter;
import java.util.function.Consumer;

/**
 * What {@code chat} shows of its session, one line each as it comes: {@code < text} for a message
 * on the chat's channel ({@code < [N] text} on another), {@code * ...} for everything else
 * (a peer's presence, a session-level error, typing ...). Every peer-made string is escaped
 * ({@link Text}). Called by the SDK one frame at a time; every message shown is acknowledged.
 */
final class ChatPrinter implements SessionListener {

    private final long channel;
    private final PrintWriter out;
    private final Consumer<CcpException> onEnded;

    /** @param onEnded told once when the session ends by itself (not when the chat closes it) */
    ChatPrinter(long channel, PrintWriter out, Consumer<CcpException> onEnded) {
        this.channel = channel;
        this.out = out;
        this.onEnded = onEnded;
    }

    @Override
    public void onMessage(IncomingMessage message) {
        String where = message.channel() == channel ? "" : "[" + message.channel() + "] ";
        print("< " + where + Text.line(message.payload()));
    }

    @Override
    public void onFrame(Frame frame) {
        print("* " + describe(frame));
    }

    @Override
    public void onClosed(CcpException failure) {
        if (failure != null) {
            onEnded.accept(failure);
        }
    }

    private void print(String line) {
        out.println(line);
        out.flush();
    }

    static String describe(Frame frame) {
        if (frame.payload() instanceof ControlPayload control) {
            if (frame.type() == FrameType.PRESENCE) {
                return "presence " + Text.printable(String.valueOf(control.text("device"))) + ": "
                        + Text.printable(String.valueOf(control.text("state")));
            }
            if (frame.type() == FrameType.ERROR) {
                String detail = control.text("detail");
                return "error " + Text.printable(String.valueOf(control.text("error")))
                        + (detail == null ? "" : ": " + Text.printable(detail));
            }
            // Jackson escapes control characters inside JSON strings.
            return label(frame) + ": " + Text.printable(control.json().toString());
        }
        return label(frame) + ": " + frame.payload().length() + " bytes";
    }

    private static String label(Frame frame) {
        return frame.type().label() + (frame.channelId() == 0 ? "" : " [" + frame.channelId() + "]");
    }
}
