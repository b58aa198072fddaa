/*
 * rtservice.h - RT-Thread's intrusive doubly and singly linked lists.
 *
 * All operations are O(1) except rt_list_len and the slist tail/remove
 * walks, which are O(n).  None of them allocate or lock.
 */
#ifndef RT_SERVICE_H__
#define RT_SERVICE_H__

#include "rtdef.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Address of the structure of `type` whose member `member` is at `ptr`. */
#define rt_container_of(ptr, type, member) \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#define RT_LIST_OBJECT_INIT(object) { &(object), &(object) }

rt_inline void rt_list_init(rt_list_t *l)
{
    l->next = l->prev = l;
}

/* Insert n right after l. */
rt_inline void rt_list_insert_after(rt_list_t *l, rt_list_t *n)
{
    l->next->prev = n;
    n->next = l->next;
    l->next = n;
    n->prev = l;
}

/* Insert n right before l (at the tail when l is the list head). */
rt_inline void rt_list_insert_before(rt_list_t *l, rt_list_t *n)
{
    l->prev->next = n;
    n->prev = l->prev;
    l->prev = n;
    n->next = l;
}

/* Unlink n and leave it self-linked (so removing twice is harmless). */
rt_inline void rt_list_remove(rt_list_t *n)
{
    n->next->prev = n->prev;
    n->prev->next = n->next;
    n->next = n->prev = n;
}

rt_inline int rt_list_isempty(const rt_list_t *l)
{
    return l->next == l;
}

rt_inline unsigned int rt_list_len(const rt_list_t *l)
{
    unsigned int len = 0;
    const rt_list_t *p = l;
    while (p->next != l)
    {
        p = p->next;
        len++;
    }
    return len;
}

#define rt_list_entry(node, type, member) rt_container_of(node, type, member)

#define rt_list_for_each(pos, head) \
    for (pos = (head)->next; pos != (head); pos = pos->next)

#define rt_list_for_each_safe(pos, n, head) \
    for (pos = (head)->next, n = pos->next; pos != (head); pos = n, n = pos->next)

#define rt_list_for_each_entry(pos, head, member) \
    for (pos = rt_list_entry((head)->next, __typeof__(*pos), member); \
         &pos->member != (head); \
         pos = rt_list_entry(pos->member.next, __typeof__(*pos), member))

#define rt_list_for_each_entry_safe(pos, n, head, member) \
    for (pos = rt_list_entry((head)->next, __typeof__(*pos), member), \
         n = rt_list_entry(pos->member.next, __typeof__(*pos), member); \
         &pos->member != (head); \
         pos = n, n = rt_list_entry(n->member.next, __typeof__(*n), member))

#define rt_list_first_entry(ptr, type, member) rt_list_entry((ptr)->next, type, member)

/* ------------------------------------------------------- singly linked */
#define RT_SLIST_OBJECT_INIT(object) { RT_NULL }

rt_inline void rt_slist_init(rt_slist_t *l)
{
    l->next = RT_NULL;
}

rt_inline void rt_slist_append(rt_slist_t *l, rt_slist_t *n)
{
    struct rt_slist_node *node = l;
    while (node->next)
        node = node->next;
    node->next = n;
    n->next = RT_NULL;
}

rt_inline void rt_slist_insert(rt_slist_t *l, rt_slist_t *n)
{
    n->next = l->next;
    l->next = n;
}

rt_inline unsigned int rt_slist_len(const rt_slist_t *l)
{
    unsigned int len = 0;
    const rt_slist_t *list = l->next;
    while (list != RT_NULL)
    {
        list = list->next;
        len++;
    }
    return len;
}

rt_inline rt_slist_t *rt_slist_remove(rt_slist_t *l, rt_slist_t *n)
{
    struct rt_slist_node *node = l;
    while (node->next && node->next != n)
        node = node->next;
    if (node->next != RT_NULL)
        node->next = node->next->next;
    return l;
}

rt_inline rt_slist_t *rt_slist_first(rt_slist_t *l)
{
    return l->next;
}

rt_inline rt_slist_t *rt_slist_next(rt_slist_t *n)
{
    return n->next;
}

rt_inline int rt_slist_isempty(rt_slist_t *l)
{
    return l->next == RT_NULL;
}

#define rt_slist_entry(node, type, member) rt_container_of(node, type, member)

#define rt_slist_for_each(pos, head) \
    for (pos = (head)->next; pos != RT_NULL; pos = pos->next)

#ifdef __cplusplus
}
#endif

#endif /* RT_SERVICE_H__ */
