##! Async jobs (concurrency.md §8). Natives: mesh_interp/natives/job.py.
##! A job is awaited through its own result slot: other messages in the
##! caller's mailbox are never taken.

## Run `f()` in a new process linked to the caller and return its Pid.
## If the caller crashes the job is killed; if the job crashes the caller
## is not, and `Job.await` returns the error.
pub fn async<T>(f :: Fun() -> T) -> Pid<T>

## Wait for the job: `Ok(value)`, or `Err(text)` where text is the crash
## message, "killed" or "shutdown".
pub fn await<T>(job :: Pid<T>) -> Result<T, String>

## Like `await`, but `Err("timeout")` if the job has not finished within
## `ms` milliseconds (the job keeps running).
pub fn await_timeout<T>(job :: Pid<T>, ms :: Int) -> Result<T, String>

## Run `f` on every element in parallel jobs; the results in input order.
pub fn map<A, B>(xs :: List<A>, f :: Fun(A) -> B) -> List<Result<B, String>>
