// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspect/eventfilter.h"

namespace wb::inspect {


bool EventFilter::isEmpty() const
{
    return subscription == 0 && topicContains.isEmpty() && publisher == 0 && payloadContains.isEmpty() && search.isEmpty();
}

QString EventFilter::regexError() const
{
    if (!searchIsRegex || search.isEmpty())
        return QString();
    QRegularExpression re(search);
    return re.isValid() ? QString() : re.errorString();
}

bool EventFilter::matches(const ReceivedEventLog &store, quint64 seq) const
{
    if (!store.contains(seq))
        return false;
    const ReceivedEventLog::Record &r = store.record(seq);
    if (subscription != 0 && r.subscription != subscription)
        return false;
    if (publisher != 0 && r.publisher != publisher)
        return false;
    const QString &topic = store.topicName(r.topic);
    if (!topicContains.isEmpty() && !topic.contains(topicContains, Qt::CaseInsensitive))
        return false;
    if (!needsPayload())
        return true;
    const QString text = store.preview(seq, 1 << 20);
    if (!payloadContains.isEmpty() && !text.contains(payloadContains, Qt::CaseInsensitive))
        return false;
    if (!search.isEmpty()) {
        if (searchIsRegex) {
            if (m_rePattern != search || !m_re.isValid()) {
                m_re = QRegularExpression(search);
                m_rePattern = search;
            }
            if (!m_re.isValid())
                return false;
            if (!m_re.match(topic).hasMatch() && !m_re.match(text).hasMatch())
                return false;
        } else if (!topic.contains(search, Qt::CaseInsensitive) && !text.contains(search, Qt::CaseInsensitive)) {
            return false;
        }
    }
    return true;
}

} // namespace wb::inspect
