// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Predefined WAMP URIs (wamp-notes §5.5, §6). Spelling follows the spec; legacy variants are mapped on receipt.

#include <QString>

namespace wb::wamp::uris {

inline const QString closeNormal = QStringLiteral("wamp.close.normal");
inline const QString closeCloseRealm = QStringLiteral("wamp.close.close_realm");
inline const QString closeGoodbyeAndOut = QStringLiteral("wamp.close.goodbye_and_out");
inline const QString closeSystemShutdown = QStringLiteral("wamp.close.system_shutdown");
inline const QString closeKilled = QStringLiteral("wamp.close.killed");

inline const QString protocolViolation = QStringLiteral("wamp.error.protocol_violation");
inline const QString invalidUri = QStringLiteral("wamp.error.invalid_uri");
inline const QString noSuchProcedure = QStringLiteral("wamp.error.no_such_procedure");
inline const QString procedureAlreadyExists = QStringLiteral("wamp.error.procedure_already_exists");
inline const QString noSuchRegistration = QStringLiteral("wamp.error.no_such_registration");
inline const QString noSuchSubscription = QStringLiteral("wamp.error.no_such_subscription");
inline const QString invalidArgument = QStringLiteral("wamp.error.invalid_argument");
inline const QString canceled = QStringLiteral("wamp.error.canceled");
inline const QString payloadSizeExceeded = QStringLiteral("wamp.error.payload_size_exceeded");
inline const QString notAuthorized = QStringLiteral("wamp.error.not_authorized");
inline const QString noSuchRealm = QStringLiteral("wamp.error.no_such_realm");
inline const QString noSuchRole = QStringLiteral("wamp.error.no_such_role");
inline const QString noSuchPrincipal = QStringLiteral("wamp.error.no_such_principal");
inline const QString authenticationDenied = QStringLiteral("wamp.error.authentication_denied");
inline const QString authenticationFailed = QStringLiteral("wamp.error.authentication_failed");
inline const QString authenticationRequired = QStringLiteral("wamp.error.authentication_required");
inline const QString noMatchingAuthMethod = QStringLiteral("wamp.error.no_matching_auth_method");
inline const QString timeout = QStringLiteral("wamp.error.timeout");
inline const QString featureNotSupported = QStringLiteral("wamp.error.feature_not_supported");
inline const QString noSuchSession = QStringLiteral("wamp.error.no_such_session");
inline const QString systemShutdown = QStringLiteral("wamp.error.system_shutdown"); // legacy

/// Maps legacy/variant spellings to the spec spelling (wamp-notes §17.18, §5.5).
QString canonicalErrorUri(const QString &uri);

} // namespace wb::wamp::uris
