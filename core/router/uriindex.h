// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The (uri, match policy) index shared by the Broker (subscriptions) and the Dealer (registrations), wamp-notes
// §11.6 and §12.5. Entries are not owned: the Broker and Dealer own them by ID and keep this index in step.
//
// Lookups do not scan every pattern: prefix entries are found by probing the URI's own prefixes, one hash look-up
// per distinct prefix length in the index (prefix matching is a plain string prefix, "a.b" matches "a.bc", so the
// probe is by length, not by dot-component); wildcard entries are grouped by component count, since a wildcard
// pattern only matches URIs with as many components, and kept split so that a look-up splits only the URI.

#include "wamp/ids.h"
#include "wamp/message.h"
#include "wamp/uri.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <map>
#include <optional>

namespace wb::router {

class RouterSession;

/// The number of dot-separated components of \a uri ("a..c" has 3).
inline int uriComponentCount(QStringView uri) { return int(uri.count(u'.')) + 1; }

template <typename T>
class UriIndex
{
public:
    /// The entry stored under exactly (\a uri, \a policy), or nullptr.
    T *find(const QString &uri, wamp::MatchPolicy policy) const
    {
        switch (policy) {
        case wamp::MatchPolicy::Prefix: return m_prefix.value(uri);
        case wamp::MatchPolicy::Wildcard: {
            const auto group = m_wildcard.constFind(uriComponentCount(uri));
            return group == m_wildcard.cend() ? nullptr : group->value(uri).entry;
        }
        case wamp::MatchPolicy::Exact: break;
        }
        return m_exact.value(uri);
    }

    /// Store \a entry under (\a uri, \a policy); an entry already there is replaced.
    void insert(const QString &uri, wamp::MatchPolicy policy, T *entry)
    {
        switch (policy) {
        case wamp::MatchPolicy::Prefix:
            if (!m_prefix.contains(uri))
                ++m_prefixLengths[uri.size()];
            m_prefix.insert(uri, entry);
            return;
        case wamp::MatchPolicy::Wildcard:
            m_wildcard[uriComponentCount(uri)].insert(uri, Wildcard{uri.split(u'.'), entry});
            return;
        case wamp::MatchPolicy::Exact: break;
        }
        m_exact.insert(uri, entry);
    }

    /// Forget (\a uri, \a policy); false when it was not stored.
    bool remove(const QString &uri, wamp::MatchPolicy policy)
    {
        switch (policy) {
        case wamp::MatchPolicy::Prefix: {
            if (!m_prefix.remove(uri))
                return false;
            const auto it = m_prefixLengths.find(uri.size());
            if (it != m_prefixLengths.end() && --it->second == 0)
                m_prefixLengths.erase(it);
            return true;
        }
        case wamp::MatchPolicy::Wildcard: {
            const auto group = m_wildcard.find(uriComponentCount(uri));
            if (group == m_wildcard.end() || !group->remove(uri))
                return false;
            if (group->isEmpty())
                m_wildcard.erase(group);
            return true;
        }
        case wamp::MatchPolicy::Exact: break;
        }
        return m_exact.remove(uri);
    }

    int size() const
    {
        qsizetype n = m_exact.size() + m_prefix.size();
        for (const auto &group : m_wildcard)
            n += group.size();
        return int(n);
    }

    /// The entry a CALL to \a uri goes to. Precedence (wamp-notes §11.6): exact > longest prefix > best wildcard;
    /// wildcard ties (neither beats the other) go to the smaller pattern string, so the choice never depends on
    /// hash order.
    T *bestMatch(const QString &uri) const
    {
        if (T *e = m_exact.value(uri))
            return e;
        for (auto it = m_prefixLengths.crbegin(); it != m_prefixLengths.crend(); ++it) {
            if (it->first > uri.size())
                continue;
            if (T *e = m_prefix.value(QStringView(uri).first(it->first).toString()))
                return e;
        }
        const auto group = m_wildcard.constFind(uriComponentCount(uri));
        if (group == m_wildcard.cend())
            return nullptr;
        const QList<QStringView> parts = QStringView(uri).split(u'.');
        T *best = nullptr;
        QString bestPattern;
        for (auto it = group->cbegin(); it != group->cend(); ++it) {
            if (!it->matches(parts))
                continue;
            if (!best || wamp::wildcardBeats(it.key(), bestPattern)
                || (!wamp::wildcardBeats(bestPattern, it.key()) && it.key() < bestPattern)) {
                best = it->entry;
                bestPattern = it.key();
            }
        }
        return best;
    }

    /// Every entry an event on \a uri goes to: the exact one, then prefixes (longest first), then wildcards.
    QList<T *> matching(const QString &uri) const
    {
        QList<T *> out;
        if (T *e = m_exact.value(uri))
            out.append(e);
        for (auto it = m_prefixLengths.crbegin(); it != m_prefixLengths.crend(); ++it) {
            if (it->first > uri.size())
                continue;
            if (T *e = m_prefix.value(QStringView(uri).first(it->first).toString()))
                out.append(e);
        }
        const auto group = m_wildcard.constFind(uriComponentCount(uri));
        if (group != m_wildcard.cend()) {
            const QList<QStringView> parts = QStringView(uri).split(u'.');
            for (auto it = group->cbegin(); it != group->cend(); ++it) {
                if (it->matches(parts))
                    out.append(it->entry);
            }
        }
        return out;
    }

private:
    struct Wildcard
    {
        QStringList parts; ///< the pattern's components; empty = matches any one component
        T *entry = nullptr;

        /// wamp::uriMatches(uri, pattern, Wildcard) with both already split (same component count).
        bool matches(const QList<QStringView> &uriParts) const
        {
            for (qsizetype i = 0; i < parts.size(); ++i) {
                if (!parts.at(i).isEmpty() && parts.at(i) != uriParts.at(i))
                    return false;
            }
            return true;
        }
    };

    QHash<QString, T *> m_exact;
    QHash<QString, T *> m_prefix;
    std::map<qsizetype, int> m_prefixLengths;  ///< prefix length -> number of prefix entries that long
    QHash<int, QHash<QString, Wildcard>> m_wildcard; ///< component count -> pattern -> entry
};

/// A random WAMP ID that is not yet a key of \a byId (subscription and registration IDs).
template <typename Map>
quint64 unusedRandomId(const Map &byId)
{
    quint64 id = wamp::randomId();
    while (byId.count(id))
        id = wamp::randomId();
    return id;
}

/// SUBSCRIBE/REGISTER.Options.match and the URI checked for that policy. On a bad option or URI, sends
/// ERROR(\a requestType, \a request) to \a session (wamp.error.invalid_argument / invalid_uri) and returns nullopt.
std::optional<wamp::MatchPolicy> parseMatchOption(RouterSession &session, wamp::MessageType requestType,
                                                  quint64 request, const wamp::Dict &options, const QString &uri);

} // namespace wb::router
