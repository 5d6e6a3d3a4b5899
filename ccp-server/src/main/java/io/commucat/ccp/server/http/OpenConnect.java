package io.commucat.ccp.server.http;

import io.netty.channel.EventLoop;

/** A live {@code /connect} session as server shutdown sees it. {@link #shutdown()} on {@link #eventLoop()} only. */
interface OpenConnect {

    EventLoop eventLoop();

    /** Server shutdown: the session says goodbye and ends. */
    void shutdown();
}
