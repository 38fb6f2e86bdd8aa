// SPDX-License-Identifier: GPL-3.0-or-later
#include "models/valuetreemodel.h"

#include "inspect/jsontext.h"

namespace wb::ui {

using wamp::Value;

ValueTreeModel::ValueTreeModel(QObject *parent) : QAbstractItemModel(parent), m_root(std::make_unique<Node>()) {}

ValueTreeModel::~ValueTreeModel() = default;

void ValueTreeModel::setValue(const Value &value)
{
    beginResetModel();
    m_value = value;
    m_root = std::make_unique<Node>();
    m_root->value = value;
    m_nodes = 0;
    m_truncated = false;
    build(m_root.get());
    endResetModel();
}

void ValueTreeModel::build(Node *n)
{
    const auto add = [&](const QString &key, const Value &v) {
        if (m_nodes >= kMaxNodes) {
            m_truncated = true;
            return false;
        }
        ++m_nodes;
        auto c = std::make_unique<Node>();
        c->key = key;
        c->value = v;
        c->parent = n;
        c->row = int(n->children.size());
        Node *raw = c.get();
        n->children.push_back(std::move(c));
        build(raw);
        return true;
    };
    if (const wamp::List *l = n->value.listPtr()) {
        for (qsizetype i = 0; i < l->size(); ++i)
            if (!add(QStringLiteral("[%1]").arg(i), l->at(i)))
                return;
    } else if (const wamp::Dict *d = n->value.dictPtr()) {
        for (auto it = d->cbegin(); it != d->cend(); ++it)
            if (!add(it.key(), it.value()))
                return;
    }
}

ValueTreeModel::Node *ValueTreeModel::nodeOf(const QModelIndex &idx) const
{
    return idx.isValid() ? static_cast<Node *>(idx.internalPointer()) : m_root.get();
}

QModelIndex ValueTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount || (parent.isValid() && parent.column() != 0))
        return {};
    Node *p = nodeOf(parent);
    if (row >= int(p->children.size()))
        return {};
    return createIndex(row, column, p->children[size_t(row)].get());
}

QModelIndex ValueTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    Node *p = nodeOf(child)->parent;
    if (!p || p == m_root.get())
        return {};
    return createIndex(p->row, 0, p);
}

int ValueTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int ValueTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant ValueTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    const Node *n = nodeOf(index);
    const Value &v = n->value;
    switch (index.column()) {
    case KeyColumn:
        return n->key;
    case ValueColumn:
        switch (v.kind()) {
        case Value::Kind::List: return tr("[%n item(s)]", nullptr, int(v.listPtr()->size()));
        case Value::Kind::Dict: return tr("{%n key(s)}", nullptr, int(v.dictPtr()->size()));
        case Value::Kind::String: return v.toString();
        case Value::Kind::Bytes: return QString(QStringLiteral("0x") + QString::fromLatin1(v.toBytes().toHex()));
        default: return inspect::toCompactJson(v); // shortest round-trip numbers
        }
    case TypeColumn:
        return v.kindName();
    default:
        return {};
    }
}

QVariant ValueTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyColumn: return tr("Key");
    case ValueColumn: return tr("Value");
    case TypeColumn: return tr("Type");
    default: return {};
    }
}

} // namespace wb::ui
