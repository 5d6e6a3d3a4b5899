package io.commucat.ccp.server.http;

import java.net.http.HttpClient;

/** {@link LongPollConnectTransportTest} over HTTP/2. */
class LongPollH2ConnectTransportTest extends LongPollConnectTransportTest {

    @Override
    protected HttpClient.Version version() {
        return HttpClient.Version.HTTP_2;
    }
}
