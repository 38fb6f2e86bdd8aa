// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Event history and retained events of one realm (wamp-notes §12.7, §12.8). Everything is bounded, by count and by
// (approximate) payload bytes: a history keeps at most its configured number of events and bytes (oldest dropped
// first); retained events are one per topic, at most RealmConfig::maxRetained topics and maxRetainedBytes (the oldest
// topic is dropped first). An event larger than a whole budget is not kept.
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

class EventHistory
{
    Q_DISABLE_COPY_MOVE(EventHistory)
public:
    EventHistory(int maxRetained, qint64 maxRetainedBytes);

    /// Approximate memory of a payload (strings, bytes, containers), for the byte budgets.
    static qint64 approximateSize(const wamp::List &args, const wamp::Dict &kwargs);

    struct Event
    {
        QDateTime timestamp;  ///< UTC
        quint64 publication = 0;
        QString topic;
        wamp::Dict publisher; ///< publisher, publisher_authid, publisher_authrole when disclosed; else empty
        wamp::List args;
        wamp::Dict kwargs;
        qint64 bytes = 0; ///< approximateSize(), filled by the store
    };

    // ---- history (per subscription) ----
    void enableHistory(quint64 subscription, int limit, qint64 maxBytes);
    bool hasHistory(quint64 subscription) const { return m_history.count(subscription) != 0; }
    void record(quint64 subscription, const Event &event);
    /// At most \a limit events, newest first, in Crossbar's shape ({timestamp, subscription, publication, topic,
    /// args, kwargs, publisher...}). nullopt: this subscription keeps no history.
    std::optional<wamp::List> events(quint64 subscription, int limit) const;
    int historySize(quint64 subscription) const;
    qint64 historyBytes(quint64 subscription) const;

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
    qint64 retainedBytes() const { return m_retainedBytes; }

private:
    struct History
    {
        int limit = 0;
        qint64 maxBytes = 0;
        qint64 bytes = 0;
        std::deque<Event> events; ///< oldest first
    };

    void dropRetained(const QString &topic);

    int m_maxRetained = 0;
    qint64 m_maxRetainedBytes = 0;
    qint64 m_retainedBytes = 0;
    std::unordered_map<quint64, History> m_history;
    QHash<QString, Retained> m_retained;
    QList<QString> m_retainedOrder; ///< topics, oldest retention first
};

} // namespace wb::router
