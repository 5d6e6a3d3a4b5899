package io.commucat.ccp.server.http.rest;

/** A feature's REST routes (pairing, devices, contacts ...), added to the listener's one table. */
@FunctionalInterface
public interface RouteSet {

    void register(Router.Builder routes);
}
