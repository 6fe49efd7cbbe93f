##! Immutable FIFO queues of Int (stdlib.md §8).
##! Natives: mesh_interp/natives/queue.py.

## An empty queue.
pub fn new() -> Queue

## `q` with `x` added at the back.
pub fn push(q :: Queue, x :: Int) -> Queue

## `(front, rest)`; panics on an empty queue.
pub fn pop(q :: Queue) -> Tuple

## The front element; panics on an empty queue.
pub fn peek(q :: Queue) -> Int

## Number of elements.
pub fn size(q :: Queue) -> Int

## Whether the queue is empty.
pub fn is_empty(q :: Queue) -> Bool
