// SPDX-License-Identifier: GPL-3.0-or-later
#include "anonymousauth.h"

#include "wamp/errors.h"

namespace wb::router::auth {

AuthStep AnonymousAuthenticator::start()
{
    return AuthStep::welcome(randomAuthid(), m_authrole, method());
}

AuthStep AnonymousAuthenticator::authenticate(const QString &, const wamp::Dict &)
{
    // Never reached: the session is welcomed in start(), so AUTHENTICATE is rejected by the phase check.
    return AuthStep::abort(wamp::uris::authenticationFailed, QStringLiteral("unexpected AUTHENTICATE for anonymous"));
}

} // namespace wb::router::auth
