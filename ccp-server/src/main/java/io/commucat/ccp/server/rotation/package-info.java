/**
 * Device key rotation (rest.md {@code POST /api/device/csr}): {@link
 * io.commucat.ccp.server.rotation.RotationRoutes} answers the request, {@link
 * io.commucat.ccp.server.rotation.DeviceKeyRotation} applies the rules and the change, and
 * {@link io.commucat.ccp.server.rotation.Rotation} is what it tells the device.
 */
package io.commucat.ccp.server.rotation;
