package io.commucat.ccp.server.node;

import io.commucat.ccp.crypto.cert.DeviceCertificateAuthority;
import io.commucat.ccp.server.admission.Admission;
import io.commucat.ccp.server.audit.Audit;
import io.commucat.ccp.server.auth.AdminAuthenticator;
import io.commucat.ccp.server.auth.DeviceAuthenticator;
import io.commucat.ccp.server.cluster.DeviceNotifier;
import io.commucat.ccp.server.cluster.SessionRevoker;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.connect.SessionRegistry;
import io.commucat.ccp.server.contacts.ContactsRoutes;
import io.commucat.ccp.server.demo.DemoPage;
import io.commucat.ccp.server.devices.DeviceRoutes;
import io.commucat.ccp.server.http.rest.RouteSet;
import io.commucat.ccp.server.pairing.PairCodeKey;
import io.commucat.ccp.server.pairing.PairingRoutes;
import io.commucat.ccp.server.rotation.DeviceKeyRotation;
import io.commucat.ccp.server.rotation.RotationRoutes;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The REST surface of rest.md beyond health, server-info and metrics: each feature's routes,
 * built from what a node shares with them.
 */
final class RestApi {

    /**
     * What the features share.
     *
     * @param executor      where their blocking work runs (the storage executor)
     * @param devices       session-token authentication of device requests
     * @param admin         the admin token check
     * @param notifier      live frames to devices' open sessions on any node
     * @param ca            the device CA, for certificates issued by pairing and rotation
     * @param pairCodeKey   names pairing codes in storage and the ledger, alike on every node
     */
    record Context(ServerConfig config, StorageBackends storage, Executor executor, DeviceAuthenticator devices,
            AdminAuthenticator admin, DeviceNotifier notifier, Audit audit, Admission admission,
            SessionRegistry registry, DeviceCertificateAuthority ca, SecureRandom random, Clock clock,
            MeterRegistry metrics, PairCodeKey pairCodeKey) {
    }

    private RestApi() {
    }

    static List<RouteSet> routeSets(Context context) {
        return List.of(pairing(context), rotation(context), contacts(context), devices(context), DemoPage.fromClasspath());
    }

    /** {@code POST /api/device/csr}: certificates for rotated keys last as long as the handshake's. */
    private static RouteSet rotation(Context context) {
        DeviceKeyRotation rotation = new DeviceKeyRotation(context.storage().sql().directory(), context.ca(),
                CcpNode.CERTIFICATE_VALIDITY, context.config().deviceRotation(),
                (deviceId, frame) -> context.notifier().notify(List.of(deviceId), frame), context.audit(),
                context.random(), context.clock(), context.metrics());
        return new RotationRoutes(context.config().deviceRotation().enabled(), context.devices(), rotation,
                context.executor());
    }

    private static RouteSet contacts(Context c) {
        return new ContactsRoutes(c.executor(), c.devices(), c.storage().sql().directory(),
                c.storage().sql().contacts(), c.notifier(), c.audit(), c.clock(), c.random(),
                c.config().server().domain());
    }

    private static RouteSet pairing(Context c) {
        return new PairingRoutes(c.config(), c.storage().sql().pairingCodes(), c.pairCodeKey(), c.storage().sql().directory(),
                c.executor(), c.devices(), c.admin(), c.admission().pairing(), c.ca(), CcpNode.CERTIFICATE_VALIDITY,
                c.audit(), c.metrics(), c.random(), c.clock());
    }

    private static RouteSet devices(Context c) {
        return new DeviceRoutes(c.executor(), c.devices(), c.admin(), c.storage().sql().directory(),
                c.storage().presence(), new SessionRevoker(c.registry(), c.storage().bus(), c.storage().presence()),
                c.audit());
    }
}
