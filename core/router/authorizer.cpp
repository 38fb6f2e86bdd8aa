// SPDX-License-Identifier: GPL-3.0-or-later
#include "authorizer.h"

#include <algorithm>

namespace wb::router {

using wamp::MatchPolicy;

Authorizer::Authorizer(const QList<RoleConfig> &roles) : m_enabled(!roles.isEmpty())
{
    for (const RoleConfig &rc : roles) {
        Role &role = m_roles[rc.name];
        for (const PermissionConfig &p : rc.permissions) {
            switch (p.match) {
            case MatchPolicy::Exact: role.exact.insert(p.uri, p); break;
            case MatchPolicy::Prefix: role.prefix.append(p); break;
            case MatchPolicy::Wildcard: role.wildcard.append(p); break;
            }
        }
        std::stable_sort(role.prefix.begin(), role.prefix.end(),
                         [](const PermissionConfig &a, const PermissionConfig &b) { return a.uri.size() > b.uri.size(); });
    }
}

QString Authorizer::actionName(Action action)
{
    switch (action) {
    case Action::Call: return QStringLiteral("call");
    case Action::Register: return QStringLiteral("register");
    case Action::Publish: return QStringLiteral("publish");
    case Action::Subscribe: return QStringLiteral("subscribe");
    }
    return {};
}

const PermissionConfig *Authorizer::bestMatch(const Role &role, const QString &uri)
{
    const auto exact = role.exact.constFind(uri);
    if (exact != role.exact.constEnd())
        return &exact.value();
    for (const PermissionConfig &p : role.prefix) { // longest first
        if (uri.startsWith(p.uri))
            return &p;
    }
    const PermissionConfig *best = nullptr;
    for (const PermissionConfig &p : role.wildcard) {
        if (wamp::uriMatches(uri, p.uri, MatchPolicy::Wildcard) && (!best || wamp::wildcardBeats(p.uri, best->uri)))
            best = &p;
    }
    return best;
}

Authorizer::Decision Authorizer::authorize(const QString &authrole, Action action, const QString &uri) const
{
    if (!m_enabled)
        return Decision{true, false, {}};
    const auto role = m_roles.constFind(authrole);
    if (role == m_roles.constEnd())
        return Decision{false, false, QStringLiteral("role \"%1\" is not defined on this realm").arg(authrole)};
    const PermissionConfig *p = bestMatch(*role, uri);
    if (!p)
        return Decision{false, false,
                        QStringLiteral("role \"%1\" has no permission for \"%2\"").arg(authrole, uri)};
    bool allowed = false;
    bool disclose = false;
    switch (action) {
    case Action::Call: allowed = p->allowCall; disclose = p->discloseCaller; break;
    case Action::Register: allowed = p->allowRegister; break;
    case Action::Publish: allowed = p->allowPublish; disclose = p->disclosePublisher; break;
    case Action::Subscribe: allowed = p->allowSubscribe; break;
    }
    if (!allowed)
        return Decision{false, false,
                        QStringLiteral("role \"%1\" may not %2 \"%3\"").arg(authrole, actionName(action), uri)};
    return Decision{true, disclose, {}};
}

} // namespace wb::router
