package io.commucat.ccp.server.http;

import java.net.http.HttpClient;

/** {@link LongPollConnectTransportTest} over HTTP/1.1: each poll is a connection of its own; the POSTs share another. */
class LongPollH1ConnectTransportTest extends LongPollConnectTransportTest {

    @Override
    protected HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
    }
}
