// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Which received events a subscribe-panel log shows: by subscription, topic text, publisher, payload text, and a
// text or regex search over topic + payload. Evaluated against a ReceivedEventLog record.

#include "inspect/receivedevents.h"

#include <QRegularExpression>
#include <QString>

namespace wb::inspect {

/// Which events a log shows. Empty fields match everything. Cheap criteria (subscription, topic, publisher)
/// are checked before anything that needs the payload decoded.
struct EventFilter
{
    quint64 subscription = 0;   ///< 0 = every subscription
    QString topicContains;      ///< case-insensitive substring of the topic
    quint64 publisher = 0;      ///< 0 = any
    QString payloadContains;    ///< case-insensitive substring of the payload preview
    QString search;             ///< text (case-insensitive) or regex over topic + payload
    bool searchIsRegex = false;

    bool isEmpty() const;
    bool needsPayload() const { return !payloadContains.isEmpty() || !search.isEmpty(); }
    /// An invalid regex: the error text (the filter then matches nothing).
    QString regexError() const;
    bool matches(const ReceivedEventLog &store, quint64 seq) const;

private:
    mutable QRegularExpression m_re;
    mutable QString m_rePattern;
};

} // namespace wb::inspect
