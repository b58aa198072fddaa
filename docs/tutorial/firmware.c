/* firmware.c - a stand-in for your firmware (docs/tutorial-firmware.md):
 * what an RT-Thread application on an STM32F407 leaves in RAM.  Linked
 * with link.lds by arm-none-eabi-gcc, it gives a real GNU ld map file. */
int sensor_rate = 100;                          /* .data */
char console_rx[1024];                          /* .bss  */
char net_pbuf_pool[6 * 1024 + 300];             /* .bss  */
__attribute__((section(".ccmram"))) char dma_buffers[2 * 1536];  /* CCM */

void Reset_Handler(void)
{
    console_rx[0] = (char)sensor_rate;
    net_pbuf_pool[0] = dma_buffers[0];
    for (;;)
        ;
}

__attribute__((section(".isr_vector"), used))
void (*const vectors[])(void) = { (void (*)(void))0x20020000, Reset_Handler };
