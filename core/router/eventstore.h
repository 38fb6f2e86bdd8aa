// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Event history and retained events of one realm (wamp-notes §12.7, §12.8). Everything is bounded: a history keeps
// at most its configured limit of events; retained events are one per topic, at most RealmConfig::maxRetained topics
// (the oldest topic is dropped first).
//
// History belongs to subscriptions the broker pre-creates from RealmConfig::eventHistory ("pinned": they stay when
// their last subscriber leaves), so history exists before any subscriber does, as in Crossbar.

#include "wamp/uri.h"
#include "wamp/value.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

#include <deque>
#include <unordered_map>

namespace wb::router {

class EventStore
{
    Q_DISABLE_COPY_MOVE(EventStore)
public:
    explicit EventStore(int maxRetained);

    struct Event
    {
        QDateTime timestamp;  ///< UTC
        quint64 publication = 0;
        QString topic;
        wamp::Dict publisher; ///< publisher, publisher_authid, publisher_authrole when disclosed; else empty
        wamp::List args;
        wamp::Dict kwargs;
    };

    // ---- history (per subscription) ----
    void enableHistory(quint64 subscription, int limit);
    bool hasHistory(quint64 subscription) const { return m_history.count(subscription) != 0; }
    void record(quint64 subscription, const Event &event);
    /// At most \a limit events, newest first, in Crossbar's shape ({timestamp, subscription, publication, topic,
    /// args, kwargs, publisher...}). nullopt: this subscription keeps no history.
    std::optional<wamp::List> events(quint64 subscription, int limit) const;
    int historySize(quint64 subscription) const;

    // ---- retained events (per topic) ----
    struct Retained
    {
        Event event;
        wamp::Dict options; ///< the PUBLISH options: black/white lists are re-checked per subscriber
    };
    bool retentionEnabled() const { return m_maxRetained > 0; }
    void retain(const QString &topic, Retained retained);
    /// Retained events whose topic matches (\a pattern, \a policy), oldest retention first.
    QList<const Retained *> retainedMatching(const QString &pattern, wamp::MatchPolicy policy) const;
    int retainedCount() const { return int(m_retained.size()); }

private:
    struct History
    {
        int limit = 0;
        std::deque<Event> events; ///< oldest first
    };

    int m_maxRetained = 0;
    std::unordered_map<quint64, History> m_history;
    QHash<QString, Retained> m_retained;
    QList<QString> m_retainedOrder; ///< topics, oldest retention first
};

} // namespace wb::router
