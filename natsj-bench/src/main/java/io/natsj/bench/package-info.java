/** natsj's load tool and JMH micro-benchmarks. */
package io.natsj.bench;
