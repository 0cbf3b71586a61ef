/**
 * Implementation helpers of the core; not exported, not API.
 */
package org.ippan.l2.core.internal;
