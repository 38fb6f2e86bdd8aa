// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "authenticator.h"

namespace wb::router::auth {

/// "anonymous": WELCOME at once with a random authid and the realm's anonymous role.
class AnonymousAuthenticator final : public Authenticator
{
public:
    explicit AnonymousAuthenticator(QString authrole) : m_authrole(std::move(authrole)) {}
    QString method() const override { return QStringLiteral("anonymous"); }
    AuthStep start() override;
    AuthStep authenticate(const QString &signature, const wamp::Dict &extra) override;

private:
    QString m_authrole;
};

} // namespace wb::router::auth
