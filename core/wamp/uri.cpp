// SPDX-License-Identifier: GPL-3.0-or-later
#include "uri.h"
#include "errors.h"

#include <QHash>
#include <QList>

namespace wb::wamp {

static bool isLooseBad(QChar c)
{
    return c == u'.' || c == u'#' || c.isSpace();
}

static bool isStrictGood(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9') || u == u'_';
}

QString uriProblem(QStringView uri, UriStrictness strictness, EmptyComponents empty)
{
    if (uri.isEmpty() && empty == EmptyComponents::None)
        return QStringLiteral("URI is empty");
    const auto parts = uri.split(u'.');
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QStringView part = parts.at(i);
        if (part.isEmpty()) {
            const bool last = i == parts.size() - 1;
            if (empty == EmptyComponents::Any || (empty == EmptyComponents::LastOnly && last))
                continue;
            return QStringLiteral("URI \"%1\" has an empty component").arg(uri.toString());
        }
        for (QChar c : part) {
            if (strictness == UriStrictness::Strict ? (!isStrictGood(c) && c != u'.') : isLooseBad(c)) {
                if (c.isSpace())
                    return QStringLiteral("URI \"%1\" contains whitespace").arg(uri.toString());
                return QStringLiteral("URI \"%1\" contains the character '%2'%3")
                    .arg(uri.toString(), QString(c),
                         strictness == UriStrictness::Strict ? QStringLiteral(" (strict URIs allow only a-z, 0-9 and _)")
                                                             : QString());
            }
        }
    }
    return {};
}

bool isValidUri(QStringView uri, UriStrictness strictness, EmptyComponents empty)
{
    return uriProblem(uri, strictness, empty).isEmpty();
}

EmptyComponents emptyComponentsFor(MatchPolicy policy)
{
    switch (policy) {
    case MatchPolicy::Exact: return EmptyComponents::None;
    case MatchPolicy::Prefix: return EmptyComponents::LastOnly;
    case MatchPolicy::Wildcard: return EmptyComponents::Any;
    }
    return EmptyComponents::None;
}

bool uriMatches(QStringView uri, QStringView pattern, MatchPolicy policy)
{
    switch (policy) {
    case MatchPolicy::Exact: return uri == pattern;
    case MatchPolicy::Prefix: return uri.startsWith(pattern);
    case MatchPolicy::Wildcard: {
        const auto u = uri.split(u'.');
        const auto p = pattern.split(u'.');
        if (u.size() != p.size())
            return false;
        for (qsizetype i = 0; i < u.size(); ++i) {
            if (!p.at(i).isEmpty() && p.at(i) != u.at(i))
                return false;
        }
        return true;
    }
    }
    return false;
}

std::optional<MatchPolicy> parseMatchPolicy(const QString &name)
{
    if (name.isEmpty() || name == u"exact")
        return MatchPolicy::Exact;
    if (name == u"prefix")
        return MatchPolicy::Prefix;
    if (name == u"wildcard")
        return MatchPolicy::Wildcard;
    return std::nullopt;
}

QString matchPolicyName(MatchPolicy policy)
{
    switch (policy) {
    case MatchPolicy::Exact: return QStringLiteral("exact");
    case MatchPolicy::Prefix: return QStringLiteral("prefix");
    case MatchPolicy::Wildcard: return QStringLiteral("wildcard");
    }
    return {};
}

// Lengths of literal runs between wildcards: "a.b..d.e" -> [2, 2].
static QList<int> literalRuns(QStringView pattern)
{
    QList<int> runs;
    int run = 0;
    for (QStringView part : pattern.split(u'.')) {
        if (part.isEmpty()) {
            runs.append(run);
            run = 0;
        } else {
            ++run;
        }
    }
    runs.append(run);
    return runs;
}

bool wildcardBeats(QStringView a, QStringView b)
{
    const QList<int> ra = literalRuns(a);
    const QList<int> rb = literalRuns(b);
    for (qsizetype i = 0; i < qMin(ra.size(), rb.size()); ++i) {
        if (ra.at(i) != rb.at(i))
            return ra.at(i) > rb.at(i);
    }
    return false;
}

QString uris::canonicalErrorUri(const QString &uri)
{
    static const QHash<QString, QString> map = {
        {QStringLiteral("wamp.error.cancelled"), canceled},
        {QStringLiteral("wamp.error.no_auth_method"), noMatchingAuthMethod},
        {QStringLiteral("wamp.error.system_shutdown"), closeSystemShutdown},
        {QStringLiteral("wamp.error.close_realm"), closeCloseRealm},
        {QStringLiteral("wamp.error.goodbye_and_out"), closeGoodbyeAndOut},
        {QStringLiteral("wamp.error.disclose_me.not_allowed"), QStringLiteral("wamp.error.option_disallowed.disclose_me")},
    };
    return map.value(uri, uri);
}

} // namespace wb::wamp
