// SPDX-License-Identifier: GPL-3.0-or-later
#include "models/topictreemodel.h"

#include "codec/serializer.h"
#include "inspect/jsontext.h"

#include <QLocale>

namespace wb::ui {

TopicTreeModel::TopicTreeModel(const inspect::ReceivedEventLog *store, QObject *parent)
    : QAbstractItemModel(parent), m_store(store), m_root(std::make_unique<Node>())
{
}

TopicTreeModel::~TopicTreeModel() = default;

void TopicTreeModel::resetFromStore()
{
    beginResetModel();
    m_root = std::make_unique<Node>();
    m_byTopic.clear();
    m_known = 0;
    endResetModel();
    refresh();
}

void TopicTreeModel::addTopic(quint32 id)
{
    const QString &topic = m_store->topicName(id);
    const QStringList parts = topic.split(QLatin1Char('.'));
    Node *cur = m_root.get();
    for (const QString &part : parts) {
        Node *next = cur->byName.value(part);
        if (!next) {
            auto n = std::make_unique<Node>();
            n->name = part;
            n->parent = cur;
            n->row = int(cur->children.size());
            next = n.get();
            beginInsertRows(indexOf(cur, 0), n->row, n->row);
            cur->children.push_back(std::move(n));
            cur->byName.insert(part, next);
            endInsertRows();
        }
        cur = next;
    }
    cur->topic = id;
    m_byTopic.insert(topic, cur);
}

void TopicTreeModel::aggregate(Node *n)
{
    quint64 c = 0;
    double r = 0;
    if (n->topic >= 0) {
        const auto &st = m_store->topicStat(quint32(n->topic));
        c = st.count;
        r = st.rate;
    }
    for (auto &ch : n->children) {
        aggregate(ch.get());
        c += ch->count;
        r += ch->rate;
    }
    n->count = c;
    n->rate = r;
}

void TopicTreeModel::emitChanged(Node *n)
{
    if (n->children.empty())
        return;
    emit dataChanged(indexOf(n->children.front().get(), CountColumn), indexOf(n->children.back().get(), LastPayloadColumn),
                     {Qt::DisplayRole, Qt::ToolTipRole});
    for (auto &ch : n->children)
        emitChanged(ch.get());
}

void TopicTreeModel::refresh()
{
    if (m_known > m_store->topicCount()) { // store cleared
        resetFromStore();
        return;
    }
    for (; m_known < m_store->topicCount(); ++m_known)
        addTopic(quint32(m_known));
    aggregate(m_root.get());
    emitChanged(m_root.get());
}

QModelIndex TopicTreeModel::indexOfTopic(const QString &topic) const
{
    Node *n = m_byTopic.value(topic);
    return n ? indexOf(n, 0) : QModelIndex();
}

QModelIndex TopicTreeModel::indexOf(Node *n, int column) const
{
    if (!n || n == m_root.get())
        return {};
    return createIndex(n->row, column, n);
}

TopicTreeModel::Node *TopicTreeModel::nodeOf(const QModelIndex &idx) const
{
    return idx.isValid() ? static_cast<Node *>(idx.internalPointer()) : m_root.get();
}

QModelIndex TopicTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (parent.isValid() && parent.column() != 0)
        return {};
    Node *p = nodeOf(parent);
    if (row >= int(p->children.size()))
        return {};
    return createIndex(row, column, p->children[size_t(row)].get());
}

QModelIndex TopicTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    Node *n = nodeOf(child);
    return indexOf(n->parent, 0);
}

int TopicTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int TopicTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant TopicTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node *n = nodeOf(index);
    if (role == TopicRole)
        return n->topic >= 0 ? m_store->topicName(quint32(n->topic)) : QString();
    if (role == Qt::TextAlignmentRole && (index.column() == CountColumn || index.column() == RateColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case NameColumn:
        return role == Qt::ToolTipRole && n->topic >= 0 ? m_store->topicName(quint32(n->topic)) : n->name;
    case CountColumn:
        return QVariant::fromValue(n->count);
    case RateColumn:
        return QString::number(n->rate, 'f', n->rate < 10 ? 1 : 0);
    case LastPayloadColumn: {
        if (n->topic < 0)
            return {};
        const auto &st = m_store->topicStat(quint32(n->topic));
        QByteArray bytes = st.lastPayload;
        if (m_store->contains(st.lastSeq))
            return m_store->preview(st.lastSeq, role == Qt::ToolTipRole ? 2000 : 120);
        if (bytes.isEmpty())
            return {};
        const Result<wamp::Value> v = codec::serializer(codec::SerializerId::MsgPack)->decode(bytes);
        if (!v.ok() || !v->isList() || v->listPtr()->size() != 2)
            return {};
        QString text = inspect::toCompactJson(v->listPtr()->at(0));
        if (!v->listPtr()->at(1).toDict().isEmpty())
            text += QLatin1Char(' ') + inspect::toCompactJson(v->listPtr()->at(1));
        return text.left(role == Qt::ToolTipRole ? 2000 : 120);
    }
    default:
        return {};
    }
}

QVariant TopicTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Topic");
    case CountColumn: return tr("Events");
    case RateColumn: return tr("Rate (/s)");
    case LastPayloadColumn: return tr("Last payload");
    default: return {};
    }
}

} // namespace wb::ui
